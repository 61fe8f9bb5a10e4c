"""Automation rules as use cases: managing them (`admin`), running event rules inside the
triggering change (`triggers`, registered in `bootstrap.build_bus`), and the periodic sweep
of time-based ones (`automations`)."""
