# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reading Car-Pass's answers: tolerant of what is unknown, strict on what is unusable.

Plain Python on the protocol package: the answers are the ones a real Car-Pass
might send where the specification is silent (docs/carpass-api.md).
"""

import json
from datetime import UTC, date, datetime

import pytest
from carpass import CarpassProtocolError, Status, payloads
from carpass.exceptions import answer_excerpt
from carpass.maintenance import (
    in_maintenance_window,
    maintenance_window_end,
    try_again_at,
)

GUID = "3f2b8c1e-0d4a-4e57-9a61-2b7c5d9e8f10"


class TestTolerantReader:
    def test_only_the_request_guid_is_a_received_observation(self):
        result = payloads.parse_observation_result({"requestGuid": GUID})
        assert result.request_guid == GUID
        assert result.status == Status.ONGOING
        assert (result.vin, result.odometer_reading, result.issues) == (None, None, [])

    def test_unknown_status_word_is_pending_and_kept(self):
        result = payloads.parse_observation_result(
            {"requestGuid": GUID, "status": "PROCESSED"}
        )
        assert result.status == Status.UNKNOWN
        assert result.status_label == "PROCESSED"

    def test_known_words_in_any_case(self):
        result = payloads.parse_observation_result(
            {"requestGuid": GUID, "status": "Waiting_For_Div"}
        )
        assert result.status == Status.WAITING_FOR_DIV
        assert result.status_label == "waiting_for_div"

    def test_unknown_fields_and_actions_are_ignored(self):
        result = payloads.parse_observation_result(
            {
                "requestGuid": GUID,
                "status": "DONE",
                "somethingNew": {"deep": [1, 2]},
                "issues": [{"code": "X1", "actions": ["CONFIRM", "PHONE_US"]}],
            }
        )
        assert result.status == Status.DONE
        assert result.issues[0].actions == (payloads.ACTION_CONFIRM,)
        assert result.issues[0].message == ""

    def test_numeric_guid_is_read_as_text(self):
        assert payloads.parse_observation_result(
            {"requestGuid": 1234}
        ).request_guid == ("1234")

    def test_errors_read_from_message_and_status_first(self):
        message, code, errors = payloads.parse_error(
            json.dumps({"status": 400, "message": "VIN unknown"}).encode()
        )
        assert (message, code, errors) == ("VIN unknown", "400", [])
        message, code, errors = payloads.parse_error(
            json.dumps(
                {
                    "status": 400,
                    "code": "VALIDATION_FAILED",
                    "message": "bad",
                    "errors": [{"field": "vin", "code": "REQUIRED", "message": "m"}],
                }
            ).encode()
        )
        assert code == "VALIDATION_FAILED"
        assert errors[0].field == "vin"

    def test_error_texts_are_cleaned(self):
        message, _code, errors = payloads.parse_error(
            b'{"message": "a\\u0000b\\ud800", "errors": "not a list"}'
        )
        assert message == "a\ufffdb\ufffd"
        assert errors == []

    def test_maintenance_without_its_code(self):
        assert payloads.is_maintenance("MAINTENANCE")
        assert payloads.is_maintenance(None, "Gepland onderhoud", 503)
        assert payloads.is_maintenance(None, "", 503, in_window=True)
        assert not payloads.is_maintenance(None, "", 503)
        assert not payloads.is_maintenance(None, "maintenance", 500)


class TestHostileAnswers:
    @pytest.mark.parametrize(
        "extra",
        [
            {"odometerReading": 99_999_999_999},
            {"odometerReading": 3_000_000_000},
            {"odometerReading": -1},
            {"odometerReading": "45000"},
            {"odometerReading": True},
            {"vin": "WVWZZZ\x001KZAW000001"},
            {"vin": "\ud800"},
            {"vin": "W" * 33},
            {"status": "DONE\x00"},
            {"status": 7},
            {"issues": [{"code": "READING\x00"}]},
            {"issues": [{"code": "\ud800"}]},
            {"issues": [{"code": "X", "message": "m" * 2001}]},
            {"issues": [{"code": "X", "resolved": "yes"}]},
            {"issues": "none"},
            {"odometerReadingDate": "0001-01-01"},
            {"odometerReadingDate": "yesterday"},
            {"odometerWork": "false"},
        ],
    )
    def test_unusable_field_is_a_protocol_error_keeping_the_guid(self, extra):
        body = {"requestGuid": GUID, "status": "DONE", **extra}
        with pytest.raises(CarpassProtocolError) as caught:
            payloads.parse_observation_result(body, outcome_unknown=True)
        assert caught.value.request_guid == GUID, "Car-Pass has it: never create again"
        assert not caught.value.outcome_unknown
        assert caught.value.answer.isascii()
        assert "\x00" not in caught.value.answer

    @pytest.mark.parametrize(
        "guid", [None, "", "a/b", " x", "\ud800", "g\x00", "x" * 129, True, [], 1.5]
    )
    def test_unusable_guid_is_an_unknown_outcome(self, guid):
        with pytest.raises(CarpassProtocolError) as caught:
            payloads.parse_observation_result(
                {"requestGuid": guid}, outcome_unknown=True
            )
        assert caught.value.request_guid is None
        assert caught.value.outcome_unknown

    def test_lone_surrogate_as_json_escape(self):
        body = payloads.decode_json(
            b'{"requestGuid": "' + GUID.encode() + b'", "vin": "\\ud800"}'
        )
        with pytest.raises(CarpassProtocolError) as caught:
            payloads.parse_observation_result(body)
        assert "\\ud800" in caught.value.answer

    def test_deep_nesting_is_not_json(self):
        with pytest.raises(CarpassProtocolError):
            payloads.decode_json(b"[" * 100_000 + b"]" * 100_000)

    def test_answer_excerpt_is_capped_and_storable(self):
        text = answer_excerpt(b"\x00\xff" + b"x" * 10_000)
        assert len(text) <= 4001
        assert text.startswith("\\x00\\xff")

    def test_vehicle_history_without_pdf_keeps_the_public_link(self):
        history = payloads.parse_vehicle_history(
            "application/json", json.dumps({"requestGuid": GUID}).encode(), GUID
        )
        assert history.pdf is None
        assert history.public_url == f"https://public.car-pass.be/vhr/{GUID}"

    def test_vehicle_history_with_a_non_pdf_is_refused(self):
        with pytest.raises(CarpassProtocolError):
            payloads.parse_vehicle_history("application/pdf", b"<html>", GUID)

    def test_lookup_answers(self):
        assert payloads.parse_lookup({"observations": []}) is None
        assert payloads.parse_lookup([]) is None
        assert payloads.parse_lookup({"requestGuid": GUID}).request_guid == GUID
        with pytest.raises(CarpassProtocolError):
            payloads.parse_lookup("nothing")


class TestSupportLog:
    def test_personal_data_and_pdf_are_masked(self):
        text = payloads.mask_for_log(
            {
                "vin": "WVWZZZ1KZAW000001",
                "licensePlate": "1-ABC-123",
                "pdf": "JVBERi0=",
                "issues": [{"contact": "jan@example.com"}],
            }
        )
        assert "1-ABC-123" not in text and "jan@example.com" not in text
        assert "WVW**********0001" in text
        assert "JVBERi0" not in text

    def test_raw_answers(self):
        assert payloads.mask_for_log(b"%PDF-1.4 ...") == "(PDF, 12 bytes)"
        assert payloads.mask_for_log(b"<h1>Bad gateway</h1>") == "<h1>Bad gateway</h1>"
        assert payloads.mask_for_log(None) == ""


class TestMaintenanceClock:
    def test_thursday_evening_in_brussels(self):
        # Thursday 3 December 2026, 18:30 UTC = 19:30 in Brussels (CET).
        inside = datetime(2026, 12, 3, 18, 30, tzinfo=UTC)
        assert in_maintenance_window(inside)
        assert maintenance_window_end(inside) == datetime(2026, 12, 3, 23, 0)
        # 17:59 UTC is 18:59 in Brussels: not yet.
        assert not in_maintenance_window(datetime(2026, 12, 3, 17, 59, tzinfo=UTC))
        assert maintenance_window_end(datetime(2026, 12, 2, 20, 0)) is None

    def test_summer_time(self):
        # Thursday 2 July 2026, 17:30 UTC = 19:30 CEST.
        assert in_maintenance_window(datetime(2026, 7, 2, 17, 30))
        assert maintenance_window_end(datetime(2026, 7, 2, 17, 30)) == datetime(
            2026, 7, 2, 22, 0
        )

    def test_date_is_a_date(self):
        assert isinstance(
            payloads.parse_observation_result(
                {"requestGuid": GUID, "odometerReadingDate": "2026-11-30"}
            ).odometer_reading_date,
            date,
        )


class TestActivityFiles:
    CSV = (
        "category_code;category_nl;category_fr;category_de;category_en;code;nl;fr;de;en\n"
        "MAINT;Onderhoud;Entretien;Wartung;Maintenance;OIL;Olie;Huile;Öl;Oil\n"
        "MAINT;Onderhoud;Entretien;Wartung;Maintenance;FILTER;Filter;Filtre;;Filter\n"
    )

    def test_csv_two_levels(self):
        activities = payloads.parse_activity_file(self.CSV.encode("utf-8-sig"), "a.csv")
        assert [a.code for a in activities] == ["OIL", "FILTER"]
        assert activities[0].category_code == "MAINT"
        assert activities[0].category_labels["fr"] == "Entretien"
        assert activities[1].labels == {"nl": "Filter", "fr": "Filtre", "en": "Filter"}

    def test_the_sample_json(self):
        from pathlib import Path

        sample = Path(payloads.__file__).parent.parent / "data"
        content = (sample / "carpass_activities_sample.json").read_bytes()
        activities = payloads.parse_activity_file(content, "sample.json")
        assert len({a.category_code for a in activities}) == 7
        assert all(set(a.labels) == {"nl", "fr", "de", "en"} for a in activities)

    @pytest.mark.parametrize(
        "content, reason",
        [
            (b"\xff\xfe", "UTF-8"),
            (b'{"categories": 1}', "categories"),
            (b'{"categories": [{"code": "C", "labels": {"nl": "x"}}]}', "activities"),
            (b"code;nl\nA;x\n", "category_code"),
            (
                b"category_code,category_nl,code,nl\nC,c,A,x\nC,c,A,y\n",
                "appears twice",
            ),
            (b"category_code,category_nl,code,nl\nC,c,A\x00,x\n", "code"),
            (b"category_code,category_nl,code,nl\nC,c,A,\n", "no label"),
        ],
    )
    def test_refused_files(self, content, reason):
        with pytest.raises(payloads.ActivityFileError) as caught:
            payloads.parse_activity_file(content)
        assert reason in str(caught.value)


class TestTryAgainAt:
    def test_retry_after_counted_from_now(self):
        now = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
        assert try_again_at(5400, now) == datetime(2026, 12, 1, 15, 30)

    def test_no_retry_after_no_moment(self):
        assert try_again_at(None) is None
        assert try_again_at(0) is None
