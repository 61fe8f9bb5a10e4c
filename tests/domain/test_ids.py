from hubdesk.domain.ids import ID_DIGITS, LARGEST_ID, is_storable_id


def test_the_largest_id_is_what_a_signed_64_bit_column_holds() -> None:
    assert is_storable_id(LARGEST_ID)
    assert not is_storable_id(LARGEST_ID + 1)
    assert not is_storable_id(0)
    assert not is_storable_id(-1)


def test_every_number_of_id_digits_digits_is_storable_and_one_more_digit_may_not_be() -> None:
    assert is_storable_id(int("9" * ID_DIGITS))
    assert not is_storable_id(int("9" * (ID_DIGITS + 1)))
