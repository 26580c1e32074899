"""Firms met at an event become leads in one step: the service, the event's page, the import,
the API, and the rights (as making a lead from a chain target: leaders read only)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.api import API, token_client
from tests.factories import EnterpriseFactory
from zhaoshang.core.errors import InputError, NotAllowed
from zhaoshang.core.history import history_for
from zhaoshang.enterprises.models import Lead
from zhaoshang.leads import contacts
from zhaoshang.leads.models import EventContact, StageChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def event(db):
    from zhaoshang.projects.models import BatchEvent

    return BatchEvent.objects.create(
        name="2024张家港新能源招商推介会", kind="promotion", date=datetime.date(2024, 5, 20),
        place="深圳",
    )  # fmt: skip


def add(user, event, **data):
    return contacts.add_event_contact(user=user, event=event, data=data)


def test_add_event_contact_resolves_the_firm_through_the_one_resolver(bureau_editor, event, firm):
    contact = add(bureau_editor, event, firm_name="瀚儲新材料有限公司", person="王经理",
                  title="投资总监", phone="138 0000 0000", note="有意向建二期")  # fmt: skip

    assert contact.enterprise == firm  # traditional characters: the same firm
    assert (contact.person, contact.title, contact.phone) == ("王经理", "投资总监", "138 0000 0000")
    assert contact.created_by == bureau_editor
    assert [e.action for e in history_for(contact)] == ["create"]


def test_add_event_contact_keeps_an_unknown_firm_as_a_name(bureau_editor, event):
    contact = add(bureau_editor, event, firm_name="深圳某储能科技有限公司", person="李总")

    assert contact.enterprise is None
    assert contact.firm_name == "深圳某储能科技有限公司"


def test_add_event_contact_refuses_bad_input_naming_field_and_value(bureau_editor, event):
    with pytest.raises(InputError) as exc:
        add(bureau_editor, event, firm_name=" ", phone="call me", enterprise="无此企业")

    assert exc.value.fields == {
        "firm_name": ["firm is required"],
        "phone": ["phone: “call me” is not a phone number"],
        "enterprise": ["enterprise: no “无此企业” in the registry"],
    }
    assert EventContact.objects.count() == 0


def test_add_event_contact_refuses_the_same_firm_and_person_twice(bureau_editor, event):
    first = add(bureau_editor, event, firm_name="深圳某储能科技有限公司", person="李总")

    with pytest.raises(InputError) as exc:
        add(bureau_editor, event, firm_name="深圳某储能科技", person="李总")

    assert exc.value.fields == {"firm_name": [
        f"深圳某储能科技 李总 is already recorded on this event (contact {first.pk})"]}  # fmt: skip
    assert EventContact.objects.count() == 1


def test_leader_may_not_record_or_convert_contacts(leader, bureau_editor, event):
    contact = add(bureau_editor, event, firm_name="深圳某储能科技有限公司")

    with pytest.raises(NotAllowed):
        add(leader, event, firm_name="另一家公司")
    with pytest.raises(NotAllowed):
        contacts.convert_event_contact(user=leader, contact=contact)
    assert Lead.objects.count() == 0


def test_convert_event_contact_makes_a_lead_from_the_event_once(bureau_editor, teams, event, firm):
    contact = add(bureau_editor, event, firm_name=firm.name, person="王经理", title="投资总监",
                  phone="13800000000", note="有意向")  # fmt: skip

    lead = contacts.convert_event_contact(user=bureau_editor, contact=contact)

    assert lead.origin == "event"
    assert lead.origin_event == event
    assert lead.enterprise == firm
    assert lead.title == f"{firm.name}: met at 2024张家港新能源招商推介会"
    assert lead.origin_note == f"2024张家港新能源招商推介会: {firm.name} 王经理"
    assert lead.description == (
        "Met at 2024张家港新能源招商推介会 (2024-05-20).\nContact: 王经理，投资总监，13800000000\n有意向"
    )
    assert lead.owner == bureau_editor
    assert lead.team == teams["task"]  # the owner's only team, as any new lead
    assert lead.next_follow_up == datetime.date.today() + datetime.timedelta(days=7)
    assert list(StageChange.objects.filter(lead=lead).values_list("to_stage", flat=True)) == [
        "lead"
    ]
    contact.refresh_from_db()
    assert contact.lead == lead

    with pytest.raises(InputError) as exc:
        contacts.convert_event_contact(user=bureau_editor, contact=contact)
    assert exc.value.fields == {"contact": [f"{firm.name} 王经理 already became lead {lead.pk}."]}
    assert Lead.objects.count() == 1


def test_convert_event_contact_links_a_firm_the_registry_learnt_since(bureau_editor, event):
    contact = add(bureau_editor, event, firm_name="深圳某储能科技有限公司")
    firm = EnterpriseFactory(name="深圳某储能科技有限公司")

    lead = contacts.convert_event_contact(user=bureau_editor, contact=contact)

    assert lead.enterprise == firm
    contact.refresh_from_db()
    assert contact.enterprise == firm


def test_convert_event_contact_bad_owner_writes_nothing(bureau_editor, event):
    contact = add(bureau_editor, event, firm_name="深圳某储能科技有限公司")

    with pytest.raises(InputError) as exc:
        contacts.convert_event_contact(user=bureau_editor, contact=contact, owner="nobody")

    assert exc.value.fields == {"owner": ["owner: no “nobody” here"]}
    contact.refresh_from_db()
    assert (contact.lead, Lead.objects.count()) == (None, 0)


def test_convert_event_contacts_all_or_none(bureau_editor, event):
    a = add(bureau_editor, event, firm_name="甲公司", person="甲")
    b = add(bureau_editor, event, firm_name="乙公司", person="乙")
    c = add(bureau_editor, event, firm_name="丙公司", person="丙")
    done = contacts.convert_event_contact(user=bureau_editor, contact=c)

    with pytest.raises(InputError) as exc:
        contacts.convert_event_contacts(user=bureau_editor, event=event, ids=[a.pk, c.pk, 99999])
    assert exc.value.fields == {
        f"contact {c.pk}": [f"丙公司 丙 already became lead {done.pk}."],
        "contact 99999": ["No contact 99999 on this event."],
    }
    assert Lead.objects.count() == 1

    leads = contacts.convert_event_contacts(user=bureau_editor, event=event, ids=[str(a.pk), b.pk])
    assert [lead.title for lead in leads] == [
        "甲公司: met at 2024张家港新能源招商推介会", "乙公司: met at 2024张家港新能源招商推介会"]  # fmt: skip
    assert sorted(EventContact.objects.filter(lead__isnull=False).values_list("pk", flat=True)) == [
        a.pk, b.pk, c.pk]  # fmt: skip


CSV = (
    "企业名称,联系人,职务,电话,备注\n"
    "瀚储新材料有限公司,王经理,投资总监,13800000000,二期\n"
    "深圳某储能科技有限公司,李总,董事长,0755-12345678,\n"
).encode()


def test_import_event_contacts_writes_every_row(bureau_editor, event, firm):
    rows = contacts.read_contact_rows(CSV, "contacts.csv")
    made = contacts.import_event_contacts(user=bureau_editor, event=event, rows=rows)

    assert [(c.firm_name, c.person, c.enterprise_id) for c in made] == [
        ("瀚储新材料有限公司", "王经理", firm.pk), ("深圳某储能科技有限公司", "李总", None)]  # fmt: skip


def test_import_event_contacts_refuses_the_lot_naming_row_field_and_value(bureau_editor, event):
    add(bureau_editor, event, firm_name="深圳某储能科技有限公司", person="李总")
    data = CSV + "丙公司,丙,,not a phone,\n,无名,,,\n丙公司,丙,,,\n".encode()

    with pytest.raises(InputError) as exc:
        contacts.import_event_contacts(
            user=bureau_editor, event=event, rows=contacts.read_contact_rows(data, "c.csv")
        )

    assert exc.value.fields == {
        "row 3: firm_name": ["深圳某储能科技有限公司 李总 is already recorded on this event "
                             f"(contact {EventContact.objects.get().pk})"],
        "row 4: phone": ["phone: “not a phone” is not a phone number"],
        "row 5: firm_name": ["firm is required"],
    }  # fmt: skip
    assert EventContact.objects.count() == 1


def test_read_contact_rows_without_a_firm_column_says_what_it_needs():
    with pytest.raises(InputError) as exc:
        contacts.read_contact_rows("联系人,电话\n王,138\n".encode(), "c.csv")

    assert "firm (企业名称)" in exc.value.fields["file"][0]


# --------------------------------------------------------------------------- pages


def test_event_page_shows_contacts_and_converts_one(client, bureau_editor, event, firm):
    contact = add(bureau_editor, event, firm_name=firm.name, person="王经理")
    client.force_login(bureau_editor)

    page = client.get(reverse("progress:event", args=[event.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-contact="{contact.pk}"' in html
    assert reverse("leads:contact_lead", args=[contact.pk]) in html

    response = client.post(reverse("leads:contact_lead", args=[contact.pk]))
    lead = Lead.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("leads:detail", args=[lead.pk])
    detail = client.get(response["Location"]).content.decode()
    assert (
        f'href="{reverse("progress:event", args=[event.pk])}" data-testid="origin-event"' in detail
    )

    again = client.post(reverse("leads:contact_lead", args=[contact.pk]), follow=True)
    assert f"already became lead {lead.pk}." in again.content.decode()
    assert Lead.objects.count() == 1


def test_event_page_adds_a_contact_and_reshows_bad_input(client, bureau_editor, event):
    client.force_login(bureau_editor)
    url = reverse("leads:event_contacts", args=[event.pk])

    bad = client.post(url, {"firm_name": "某公司", "phone": "<b>x</b>"})
    assert bad.status_code == 422
    assert "phone: “&lt;b&gt;x&lt;/b&gt;” is not a phone number" in bad.content.decode()
    assert EventContact.objects.count() == 0

    ok = client.post(url, {"firm_name": "某公司", "person": "赵", "phone": "13800000000"})
    assert ok.status_code == 302
    assert ok["Location"] == reverse("progress:event", args=[event.pk]) + "#contacts"
    assert EventContact.objects.get().person == "赵"


def test_event_page_imports_a_file_and_converts_the_selected(client, bureau_editor, event):
    client.force_login(bureau_editor)
    upload = SimpleUploadedFile("contacts.csv", CSV, content_type="text/csv")

    response = client.post(
        reverse("leads:event_contacts_import", args=[event.pk]), {"file": upload}
    )

    assert response.status_code == 302
    ids = list(EventContact.objects.order_by("id").values_list("pk", flat=True))
    assert len(ids) == 2
    client.post(reverse("leads:event_leads", args=[event.pk]), {"contacts": ids})
    assert sorted(Lead.objects.values_list("origin_event", flat=True)) == [event.pk, event.pk]


def test_event_page_import_refuses_a_bad_file_writing_nothing(client, bureau_editor, event):
    client.force_login(bureau_editor)
    upload = SimpleUploadedFile("c.csv", "企业名称,电话\n某公司,abc\n".encode())

    response = client.post(
        reverse("leads:event_contacts_import", args=[event.pk]), {"file": upload}
    )

    assert response.status_code == 422
    assert "row 2: phone: phone: “abc” is not a phone number" in response.content.decode()
    assert EventContact.objects.count() == 0


def test_leader_sees_contacts_without_the_buttons_and_is_refused(client, leader, bureau_editor,
                                                                  event):  # fmt: skip
    contact = add(bureau_editor, event, firm_name="某公司")
    client.force_login(leader)

    html = client.get(reverse("progress:event", args=[event.pk])).content.decode()
    assert "某公司" in html
    assert reverse("leads:contact_lead", args=[contact.pk]) not in html
    assert client.post(reverse("leads:contact_lead", args=[contact.pk])).status_code == 403
    upload = SimpleUploadedFile("contacts.csv", CSV)
    refused = client.post(reverse("leads:event_contacts_import", args=[event.pk]), {"file": upload})
    assert refused.status_code == 403
    assert Lead.objects.count() == 0 and EventContact.objects.count() == 1


@pytest.mark.parametrize("rows", [1, 3])
def test_event_contacts_page_query_count(client, bureau_editor, event, rows,
                                         django_assert_max_num_queries):  # fmt: skip
    for i in range(rows):
        contact = add(bureau_editor, event, firm_name=f"公司{i}", person=str(i))
        contacts.convert_event_contact(user=bureau_editor, contact=contact)
    client.force_login(bureau_editor)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("leads:event_contacts", args=[event.pk])).status_code == 200


# --------------------------------------------------------------------------- API


def test_event_contacts_api_add_list_convert(bureau_editor, leader, event, firm):
    client = token_client(bureau_editor)
    url = f"{API}/events/{event.pk}/contacts"

    made = client.post(url, {"firm_name": firm.name, "person": "王经理"},
                       content_type="application/json")  # fmt: skip
    assert made.status_code == 201
    assert made.json()["enterprise"] == firm.pk
    bad = client.post(url, {"firm_name": "", "phone": "x"}, content_type="application/json")
    assert bad.status_code == 422

    contact_id = made.json()["id"]
    lead = client.post(
        f"{API}/event-contacts/{contact_id}/lead", {}, content_type="application/json"
    )
    assert lead.status_code == 201
    again = client.post(f"{API}/event-contacts/{contact_id}/lead", {},
                        content_type="application/json")  # fmt: skip
    assert again.status_code == 422

    listed = client.get(url).json()
    assert [(c["firm_name"], c["lead"]["id"]) for c in listed] == [(firm.name, lead.json()["id"])]
    detail = client.get(f"{API}/leads/{lead.json()['id']}").json()
    assert detail["origin"] == "event"
    assert detail["origin_event"] == {"id": event.pk, "name": event.name}

    refused = token_client(leader).post(
        url, {"firm_name": "某公司"}, content_type="application/json"
    )
    assert refused.status_code == 403


def test_event_contacts_api_converts_several_all_or_none(bureau_editor, event):
    a = add(bureau_editor, event, firm_name="甲公司")
    b = add(bureau_editor, event, firm_name="乙公司")
    client = token_client(bureau_editor)
    url = f"{API}/events/{event.pk}/contacts/leads"

    missing = client.post(url, {"contacts": [a.pk, 12345]}, content_type="application/json")
    assert missing.status_code == 422
    assert Lead.objects.count() == 0
    # an id larger than the database holds is no contact (the fuzzer found a 500)
    huge = client.post(url, {"contacts": [a.pk, 2**64]}, content_type="application/json")
    assert huge.status_code == 422
    assert Lead.objects.count() == 0

    made = client.post(url, {"contacts": [a.pk, b.pk], "next_follow_up": "2099-01-02"},
                       content_type="application/json")  # fmt: skip
    assert made.status_code == 201
    assert [lead["title"] for lead in made.json()["leads"]] == [
        "甲公司: met at 2024张家港新能源招商推介会", "乙公司: met at 2024张家港新能源招商推介会"]  # fmt: skip
    assert set(Lead.objects.values_list("next_follow_up", flat=True)) == {datetime.date(2099, 1, 2)}
