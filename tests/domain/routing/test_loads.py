"""An agent's load per channel against what their capacity allows of each."""

from hubdesk.domain.routing.loads import ChannelLoad, channel_loads


def test_each_channel_taken_shows_what_is_held_and_how_many_more_fit():
    lines = channel_loads(10, 7, {"phone": 10, "chat": 3, "email": 1},
                          {"chat": (2, 6), "email": (1, 1)})
    assert lines == (ChannelLoad("chat", 2, 6, 3, 3, 1),
                     ChannelLoad("email", 1, 1, 1, 10, 3),
                     ChannelLoad("phone", 0, 0, 10, 1, 0))


def test_work_of_a_channel_not_taken_is_shown_and_allows_nothing():
    lines = channel_loads(4, 5, {"chat": 3, "phone": 10}, {"web": (1, 5)})
    assert lines == (ChannelLoad("chat", 0, 0, 3, 1, 0),
                     ChannelLoad("phone", 0, 0, None, 0, 0),  # costs more than the capacity
                     ChannelLoad("web", 1, 5, None, 0, 0))
    assert [line.taken for line in lines] == [True, False, False]
