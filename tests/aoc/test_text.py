from aoc.text import normalise_thai


def test_split_sara_am_becomes_the_typed_form():
    assert normalise_thai("บ้านนํ้าขาว") == "บ้านน้ำขาว"
    assert normalise_thai(" บางกลํา ") == "บางกลำ"
    assert normalise_thai("สำนักงาน") == "สำนักงาน"
