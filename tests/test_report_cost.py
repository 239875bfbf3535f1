"""The cost estimate: figures worked by hand for two stacks, the break-even point, traffic and price inputs.

Rounding: every amount is computed unrounded; a line is rounded half up to the cent when shown and the total is the
rounded sum of the unrounded lines. The hand-worked figures below follow that rule, with 730 hours a month and the
us-east-1 prices of preflight/report/aws_prices.json.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from policy_helpers import REPO, judge

from preflight.report.cost import Traffic, cents, estimate_cost, load_prices
from preflight.report.topology import build_topology


def _estimate(report, **traffic):
    topology = build_topology(report)
    prices, date, _ = load_prices(topology.region)
    return estimate_cost(topology, prices, date, Traffic(**traffic))


def _lines(estimate):
    return {line.item: cents(line.dollars) for line in estimate.lines}


def test_dev_stack_costs_what_the_hand_worked_figures_say(policy_pack):
    cost = _estimate(judge(policy_pack, str(REPO), "preview"))  # default traffic: 20 GB ECR/S3, 5 GB logs
    assert _lines(cost.current) == {
        "Interface endpoint AZ-hours": 21.90,  # ecr.api, ecr.dkr, logs in 1 AZ: 3 x 730 x 0.01
        "Interface endpoint data processed": 0.05,  # 5 GB logs x 0.01 (ECR layers go through the free S3 gateway)
        "Gateway endpoint (S3)": 0.0,
        "Cross-AZ data": 0.05,  # tasks in 2 AZs, endpoints in 1: 2.5 GB x 2 directions x 0.01
        "ALB hours": 16.43,  # 730 x 0.0225 = 16.425
        "ALB LCUs": 5.84,  # 1 LCU x 730 x 0.008
        "ALB public IPv4 (one per AZ)": 7.30,  # 2 x 730 x 0.005
        "Fargate vCPU": 14.78,  # 2 tasks x 0.25 vCPU x 730 x 0.04048 = 14.7752
        "Fargate memory": 3.24,  # 2 tasks x 0.5 GB x 730 x 0.004445 = 3.24485
    }
    assert cost.current.total == 69.59  # 69.58505 unrounded


def test_prod_stack_with_internet_traffic_costs_what_the_hand_worked_figures_say(policy_pack):
    cost = _estimate(judge(policy_pack, str(REPO), "preview", stack="prod"), internet=100)
    assert _lines(cost.current) == {
        "NAT gateway hours": 98.55,  # 3 NATs x 730 x 0.045
        "NAT data processed": 4.73,  # (5 GB logs + 100 GB internet) x 0.045 = 4.725
        "Public IPv4: NAT Elastic IPs": 10.95,  # 3 x 730 x 0.005
        "Gateway endpoint (S3)": 0.0,
        "Internet data out": 9.00,  # 100 GB x 0.09
        "ALB hours": 16.43,
        "ALB LCUs": 5.84,
        "ALB public IPv4 (one per AZ)": 10.95,  # 3 AZs
        "Fargate vCPU": 132.98,  # (3 x 0.5 + 3 x 1) vCPU x 730 x 0.04048 = 132.9768
        "Fargate memory": 29.20,  # (3 x 1 + 3 x 2) GB x 730 x 0.004445 = 29.20365
    }
    assert cost.current.total == 318.62  # 318.62045 unrounded
    endpoints = next(a for a in cost.alternatives if a.name.startswith("interface endpoints"))
    assert not endpoints.possible and "the internet" in endpoints.note  # no NAT: no path to the internet


def test_break_even_is_where_single_nat_and_endpoints_cost_the_same(policy_pack):
    report = judge(policy_pack, str(REPO), "preview")
    (single, per_az) = _estimate(report).break_even
    # Endpoints: 3 x 2 AZs x 730 x 0.01 = 43.80 fixed, 0.01/GB. Single NAT: 730 x (0.045 + 0.005) = 36.50 fixed,
    # 0.045/GB + half the tasks in the other AZ: 0.5 x 2 x 0.01 = 0.055/GB. (43.80 - 36.50) / 0.045 = 162.2 GB.
    assert (single["natFixed"], single["endpointsFixed"], single["natPerGB"]) == (36.5, 43.8, 0.055)
    assert single["breakEvenGB"] == 162.2
    assert per_az["verdict"] == "endpoints cheaper at any traffic"  # 73.00 fixed and 0.045/GB: both higher

    def egress(logs):
        cost = _estimate(report, logs=logs)
        designs = {a.name.split(" ")[0]: a.egress for a in cost.alternatives}
        return designs["interface"], designs["single"]

    endpoints, nat = egress(162.2)
    assert abs(endpoints - nat) <= 0.01
    endpoints, nat = egress(100)
    assert nat < endpoints
    endpoints, nat = egress(300)
    assert endpoints < nat


def test_public_placement_keeps_sensitive_services_on_the_stack_egress(policy_pack):
    cost = _estimate(judge(policy_pack, str(REPO), "preview"))
    placement = next(a for a in cost.alternatives if a.name == "public placement where allowed")
    assert placement.possible and "backend-service" in placement.note
    lines = _lines(placement)
    assert lines["Public IPv4: public tasks"] == 3.65  # webapp's one task: 730 x 0.005
    assert lines["Interface endpoint AZ-hours"] == 21.90  # kept for the sensitive backend


def test_region_prices_and_overrides_apply(tmp_path):
    prices, _, note = load_prices("eu-west-1")
    assert (prices["natGatewayHour"], prices["fargateVcpuHour"], note) == (0.048, 0.04048, "")
    prices, _, note = load_prices("sa-east-1")
    assert prices["natGatewayHour"] == 0.045 and "sa-east-1" in note
    override = tmp_path / "prices.json"
    override.write_text(json.dumps({"date": "2030-01-01", "regions": {"us-east-1": {"natGatewayHour": 0.1}}}))
    prices, date, _ = load_prices("us-east-1", override)
    assert (prices["natGatewayHour"], prices["natGatewayGB"], date) == (0.1, 0.045, "2030-01-01")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--traffic-gb", "egress=5"], "--traffic-gb egress: unknown traffic key; allowed: albLcu, awsOther, ecrS3"),
        (["--traffic-gb", "logs=-1"], "--traffic-gb logs: -1.0 is not a number of GB >= 0"),
        (["--traffic-gb", "logs"], "--traffic-gb 'logs': expected KEY=GB"),
    ],
)
def test_bad_traffic_is_one_line_and_exit_2_before_the_program_runs(args, message):
    result = subprocess.run(
        [sys.executable, "-m", "preflight", "--quiet", *args], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"preflight: error: {message}")
    assert len(result.stderr.strip().splitlines()) == 1
