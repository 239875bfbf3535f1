"""Each mandatory rule holds for what AWS actually requires (docs/policies.md cites the AWS pages): booleans read as
the provider reads them, a NAT gateway that reaches the internet only from a public subnet, one task SG shared by
the services behind one load balancer, and a fix for an NLB without a security group that exists. Exact findings in
preview and in update mode. (The mutation matrix holds the other cases.)"""

from __future__ import annotations

import pytest
from policy_helpers import MODES, cant_run, expected, flagged, judge

M = "mandatory"
INGRESS = "task-sg-ingress-from-sgs"


@pytest.mark.parametrize("mode", MODES)
def test_booleans_written_as_strings_are_read_like_the_provider_reads_them(policy_pack, mode):
    # Every boolean of the compliant baseline as "true" / "false": private DNS, the VPC's DNS attributes, the ALB's
    # hardening, access logs, Service Connect, assign_public_ip, map_public_ip_on_launch. Still compliant.
    report = judge(policy_pack, "baseline", mode, config={"fixture:bools": "strings"})
    assert flagged(report) == set()
    assert cant_run(report) == []


@pytest.mark.parametrize("mode", MODES)
def test_a_nat_gateway_in_a_subnet_without_an_igw_route_gives_no_internet_egress(policy_pack, mode):
    report = judge(policy_pack, "nat_egress", mode, config={"fixture:flaw": "nat-in-private-subnet"})
    findings = {("public-images-need-egress", "worker", M), ("private-tasks-image-pull-path", "worker", M)}
    assert flagged(report) == expected(report, findings)
    for violation in report.violations:
        assert "sends 0.0.0.0/0 to NAT gateway nat-a (in subnet nat-home, which has no 0.0.0.0/0 route to an " in (
            violation.message
        )


@pytest.mark.parametrize("mode", MODES)
def test_one_task_sg_shared_behind_one_alb_may_admit_each_services_port(policy_pack, mode):
    report = judge(policy_pack, "shared_lb", mode)
    assert flagged(report) == set()
    assert cant_run(report) == []


@pytest.mark.parametrize("mode", MODES)
def test_a_shared_task_sg_still_admits_no_port_that_no_service_uses(policy_pack, mode):
    report = judge(policy_pack, "shared_lb", mode, config={"fixture:flaw": "extra-port"})
    assert flagged(report) == expected(report, {(INGRESS, "app-from-alb-9000", M)})
    (violation,) = report.violations
    assert "Task security group app-sg of ECS services api, web admits the security group lb-alb-sg" in (
        violation.message
    )
    assert "on container port 8080/8081" in violation.message


@pytest.mark.parametrize("mode", MODES)
def test_behind_an_nlb_without_sg_the_fix_is_an_nlb_sg_set_at_creation(policy_pack, mode):
    report = judge(policy_pack, "shared_lb", mode, config={"fixture:flaw": "nlb"})
    assert flagged(report) == expected(report, {(INGRESS, "tcp-from-vpc", M)})
    (violation,) = report.violations
    assert "Load balancer tcp-nlb has no security group" in violation.message
    assert "a network load balancer gets one only when it is created" in violation.message
