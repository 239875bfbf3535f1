"""preflight's fake AWS: what real programs look up and build on is answered plausibly, in both modes.

Each fixture program does what a public example does (named in its comments) with our own code. Before the fake AWS
answered these invokes and computed outputs, each program crashed in at least one mode.
"""

from __future__ import annotations

import base64
import importlib
import json
import re
from pathlib import Path

import pytest
from google.protobuf import json_format
from pulumi import _types as sdk_types

from preflight import PreflightError
from preflight.engine import run_program
from preflight.fake_aws import COMPUTED, INVOKES
from preflight.fake_aws.schema import _sdk_properties
from preflight.project import load_project

PROGRAMS = Path(__file__).parent / "fixtures" / "programs"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
MODES = [pytest.param(True, id="preview"), pytest.param(False, id="update")]


def _inputs(program: str, preview: bool) -> dict[str, dict]:
    project = load_project(PROGRAMS / program, "dev")
    registrations = run_program(project, "dev", preview=preview).registrations
    return {r.name: json_format.MessageToDict(r.inputs) for r in registrations}


@pytest.mark.parametrize("preview", MODES)
def test_lookups_of_amis_registry_credentials_default_vpc_parameters_and_zones_are_answered(preview):
    inputs = _inputs("data_sources", preview)
    # Invoke answers are known in both modes, as in a real preview.
    assert re.fullmatch(r"ami-0[0-9a-f]{16}", inputs["web"]["ami"])
    assert re.fullmatch(r"ami-0[0-9a-f]{16}", inputs["ecs-host"]["ami"])
    assert inputs["web"]["subnetId"].startswith("subnet-0")
    assert inputs["web"]["subnetId"] != inputs["ecs-host"]["subnetId"]  # one default subnet per zone
    assert inputs["registry"]["insecureValue"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com"
    assert inputs["registry-user"]["insecureValue"] == "AWS"
    assert inputs["partition"]["insecureValue"] == "aws"
    assert inputs["policy-sid"]["insecureValue"] == "Pull"
    assert re.fullmatch(r"Z[0-9A-F]{20}", inputs["www"]["zoneId"])
    assert inputs["www"]["name"] == "www.acme-widgets.net"


def test_the_same_lookup_gets_the_same_answer_and_another_lookup_another():
    first, second = _inputs("data_sources", False), _inputs("data_sources", False)
    assert first["web"]["ami"] == second["web"]["ami"]
    assert first["web"]["ami"] != first["ecs-host"]["ami"]


def test_registry_token_decodes_to_the_user_and_password_it_reports():
    answer = INVOKES["aws:ecr/getAuthorizationToken:getAuthorizationToken"]({}, _account())
    assert base64.b64decode(answer["authorizationToken"]).decode() == f"AWS:{answer['password']}"


def test_outputs_aws_computes_on_create_are_known_after_an_update():
    inputs = _inputs("computed_outputs", preview=False)
    source_arn = inputs["invoke"]["sourceArn"]
    assert re.fullmatch(r"arn:aws:execute-api:us-east-1:123456789012:[0-9a-f]{10}/\*/\*", source_arn)
    assert inputs["invoke"]["function"].startswith("fn-")  # auto-named like any resource with an optional name
    assert inputs["table"]["insecureValue"].startswith("events_") and "-" not in inputs["table"]["insecureValue"]
    assert inputs["image"]["insecureValue"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com"
    assert inputs["graphql"]["insecureValue"].endswith(".appsync-api.us-east-1.amazonaws.com/graphql")
    kubeconfig = json.loads(inputs["kubeconfig"]["insecureValue"])
    assert kubeconfig["server"].endswith(".gr7.us-east-1.eks.amazonaws.com")
    assert base64.b64decode(kubeconfig["certificate-authority-data"]).startswith(b"-----BEGIN CERTIFICATE-----")
    assert inputs["url"]["insecureValue"].endswith(".execute-api.us-east-1.amazonaws.com/$default")


def test_outputs_aws_computes_stay_unknown_in_preview_and_the_program_still_runs():
    inputs = _inputs("computed_outputs", preview=True)
    assert inputs["invoke"]["sourceArn"] == UNKNOWN
    assert inputs["graphql"]["insecureValue"] == UNKNOWN
    assert inputs["table"]["insecureValue"].startswith("events_")  # the auto-name is planned, so known in preview


@pytest.mark.parametrize("preview", MODES)
def test_a_crash_after_an_unsimulated_invoke_names_that_invoke(preview):
    project = load_project(PROGRAMS / "unsimulated_invoke", "dev")
    with pytest.raises(PreflightError) as raised:
        run_program(project, "dev", preview=preview)
    assert raised.value.message == (
        "program failed: TypeError: unsupported operand type(s) for *: 'NoneType' and 'NoneType' "
        "(at __main__.py:5); the program failed after aws:ec2/getInstanceType:getInstanceType, which preflight "
        "does not simulate, returned an empty result"
    )


# ---- the tables use the provider's own field names ------------------------------------------------------------
def _account():
    from preflight.fake_aws import Account

    return Account(region="us-east-1")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@pytest.mark.parametrize("token", sorted(INVOKES))
def test_every_invoke_answer_has_only_fields_of_the_sdk_result_type(token):
    _, module, function = token.split(":")
    service, _ = module.split("/")
    package = "pulumi_aws" if service == "index" else f"pulumi_aws.{service}"
    sdk_module = importlib.import_module(f"{package}.{_snake(function)}")
    result_type = getattr(sdk_module, f"{function[0].upper()}{function[1:]}Result")
    fields = set(sdk_types.output_type_types(result_type))
    answer = INVOKES[token]({}, _account())
    assert set(answer) <= fields, set(answer) - fields


@pytest.mark.parametrize("type_token", sorted(COMPUTED))
def test_every_computed_output_is_an_output_property_of_its_resource(type_token):
    outputs, _ = _sdk_properties(type_token)
    answer = COMPUTED[type_token](
        "r", {"arn": "arn:aws:x:us-east-1:123456789012:r/r", "bucket": "b"}, "id-1", _account()
    )
    assert set(answer) <= set(outputs), set(answer) - set(outputs)
