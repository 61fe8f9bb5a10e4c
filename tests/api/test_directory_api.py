from hubdesk.domain.agents import Role
from tests import factories


def test_teams_and_departments_change_only_what_is_sent(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    team = client.post("/api/v1/teams", json={"name": "Night shift", "description": "22-06"},
                       headers=admin.headers).json()
    changed = client.patch(f"/api/v1/teams/{team['id']}", json={"description": "22-07"},
                           headers=admin.headers).json()
    assert (changed["name"], changed["description"]) == ("Night shift", "22-07")
    client.post("/api/v1/teams", json={"name": "Day shift"}, headers=admin.headers)
    clash = client.patch(f"/api/v1/teams/{team['id']}", json={"name": "Day shift"},
                         headers=admin.headers)
    assert clash.status_code == 409
    assert client.patch("/api/v1/teams/999", json={"name": "X"},
                        headers=admin.headers).status_code == 404
    unnamed = client.post("/api/v1/teams", json={"description": "no name"}, headers=admin.headers)
    assert unnamed.status_code == 422

    department = client.post("/api/v1/departments", json={"name": "Billing",
                                                          "email": "billing@example.com"},
                             headers=admin.headers).json()
    renamed = client.patch(f"/api/v1/departments/{department['id']}",
                           json={"name": "Billing & Payments"}, headers=admin.headers).json()
    assert (renamed["name"], renamed["email"]) == ("Billing & Payments", "billing@example.com")
