"""A discrete-event contact-centre simulator driving the desk's own routing policy."""
