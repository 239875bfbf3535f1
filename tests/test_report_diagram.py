"""The topology and its Mermaid diagram, from recorded resources: this repo's dev stack and a plain pulumi_aws program.

The last tests render the diagrams in a real browser (Debian's chromium driven by @mermaid-js/mermaid-cli, both
installed by .ci/run) and look for the expected labels in the SVG.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from policy_helpers import REPO, judge

from preflight.report.mermaid import MAX_SERVICES, render_mermaid
from preflight.report.topology import Service, Topology, build_topology

MMDC = REPO / ".ci" / "node" / "node_modules" / ".bin" / "mmdc"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _tiers(vpc):
    return {t.tier: (t.route, [s.name for s in t.subnets]) for t in vpc.tiers}


def test_dev_stack_topology_shows_tiers_endpoints_alb_services_and_edges(policy_pack):
    topology = build_topology(judge(policy_pack, str(REPO), "preview"))
    (vpc,) = topology.vpcs
    assert (vpc.name, vpc.cidrs, vpc.azs) == ("network-vpc", ["10.0.0.0/16"], ["us-east-1a", "us-east-1b"])
    assert _tiers(vpc) == {
        "public": ("IGW", ["network-public-us-east-1a", "network-public-us-east-1b"]),
        "isolated": ("none", ["network-private-us-east-1a", "network-private-us-east-1b"]),
    }
    assert [(e.service, e.type, e.azs) for e in vpc.endpoints] == [
        ("s3", "Gateway", []),
        ("ecr.api", "Interface", ["us-east-1a"]),
        ("ecr.dkr", "Interface", ["us-east-1a"]),
        ("logs", "Interface", ["us-east-1a"]),
    ]
    (alb,) = topology.load_balancers
    (listener,) = alb.listeners
    assert (alb.internal, listener.protocol, listener.port) == (False, "HTTP", "80")
    assert [(r.match, r.action) for r in listener.rules] == [
        ("/api/*", "-> backend-tg"),
        ("/*", "-> webapp-tg"),
        ("default", "fixed 404"),
    ]
    services = {s.name: s for s in topology.services}
    assert {n: (s.tiers, s.public_ip, s.sensitivity) for n, s in services.items()} == {
        "backend-service": (["isolated"], False, "sensitive"),
        "webapp-service": (["isolated"], False, "internal"),
    }
    assert [(e.source, e.target, e.label) for e in topology.service_connect] == [
        ("webapp-service", "backend-service", "backend:5000")
    ]
    assert {(e.source, e.target, e.label) for e in topology.sg_edges} == {
        ("ingress-alb", "backend-service", "5000"),
        ("ingress-alb", "webapp-service", "3000"),
    }
    source = render_mermaid(topology).source
    assert 'lb_ingress_alb -->|"SG 3000"| svc_webapp_service' in source
    assert 'svc_webapp_service -.->|"Service Connect backend:5000"| svc_backend_service' in source
    # The two advisory findings (flow logs on the VPC, ALB hardening) mark the VPC and the ALB, nothing else.
    assert "  class vpc_network_vpc,lb_ingress_alb advisory" in source.splitlines()


def test_plain_pulumi_aws_program_gets_the_same_picture(policy_pack):
    topology = build_topology(judge(policy_pack, "plain_network", "preview"))
    (vpc,) = topology.vpcs
    assert vpc.cidrs == ["10.1.0.0/16", "100.64.0.0/16"]  # the secondary CIDR association
    tiers = _tiers(vpc)
    assert tiers["public"] == ("IGW", ["public-0", "public-1"])  # inline route on the route table
    assert tiers["private"] == ("NAT", ["private-0", "private-1"])  # aws.ec2.Route to each AZ's NAT
    assert tiers["isolated"] == ("none", ["isolated"])  # no association: the VPC's main route table
    assert [(n.az, n.public, n.eip) for n in vpc.nat_gateways] == [
        ("eu-west-1a", True, True),
        ("eu-west-1b", True, True),
    ]
    assert [(e.service, e.type, e.azs) for e in vpc.endpoints] == [
        ("s3", "Gateway", []),
        ("ecr.api", "Interface", ["eu-west-1a", "eu-west-1b"]),
        ("secretsmanager", "Interface", ["eu-west-1a", "eu-west-1b"]),
    ]
    (alb,) = topology.load_balancers
    assert [(r.match, r.action) for r in alb.listeners[0].rules] == [("/v1/*", "-> api-tg"), ("default", "-> web-tg")]
    services = {s.name: s for s in topology.services}
    assert (services["web"].tiers, services["web"].public_ip, services["web"].desired_count) == (["public"], True, 2)
    assert (services["api"].tiers, services["api"].arch, services["api"].cpu) == (["private"], "ARM64", 1.0)
    # Inline SG ingress (web) and a SecurityGroupRule (api) both admit the ALB's SG.
    assert {(e.source, e.target, e.label) for e in topology.sg_edges} == {
        ("alb", "web", "8080"),
        ("alb", "api", "9000"),
    }
    assert topology.service_connect == []
    source = render_mermaid(topology).source
    assert "  nat_vpc --> igw_vpc" in source.splitlines()
    assert "svc_web" in source.splitlines()[-1]  # the public service is flagged (advisory ecs-service-no-public-ip)


def test_a_large_stack_is_summarised_and_says_so(policy_pack):
    topology = build_topology(judge(policy_pack, str(REPO), "preview"))
    template = topology.services[0]
    many = [Service(**{**template.__dict__, "name": f"svc-{n:02}", "urn": f"urn:{n}"}) for n in range(30)]
    big = Topology(**{**topology.__dict__, "services": many, "service_connect": [], "sg_edges": []})
    diagram = render_mermaid(big)
    drawn = [line for line in diagram.source.splitlines() if line.strip().startswith("svc_")]
    assert len(drawn) == MAX_SERVICES
    assert f"services: {MAX_SERVICES} of 30 drawn" in diagram.notes
    assert "… and 18 more services" in diagram.source


def test_resources_aws_would_reject_are_marked_above_any_violation(policy_pack):
    report = judge(policy_pack, "deploy_checks", "preview")
    service = next(r.urn for r in report.resources if r.name == "app-service" and r.type == "aws:ecs/service:Service")
    assert any(f.urn == service for f in report.deploy_findings)
    assert any(v.urn == service and v.level == "mandatory" for v in report.violations)  # also a mandatory violation
    topology = build_topology(report)
    assert topology.flagged[service] == "deploy"
    source = render_mermaid(topology).source
    (node,) = [line for line in source.splitlines() if line.strip().startswith("svc_app_service[")]
    assert '["⚠ deploy check: service app-service' in node
    assert "  classDef deploy " in source
    (deploy_class,) = [line for line in source.splitlines() if line.startswith("  class ") and line.endswith(" deploy")]
    assert "svc_app_service" in deploy_class.split()[1].split(",")
    # a stack without deploy-check findings keeps its diagram as it was: no deploy class at all
    assert "deploy" not in render_mermaid(build_topology(judge(policy_pack, str(REPO), "preview"))).source


def _render(tmp_path: Path, name: str, source: str) -> str:
    if not MMDC.exists() or not Path(CHROMIUM).exists():
        missing = f"needs {MMDC} and {CHROMIUM}: .ci/run installs them (npm ci in .ci/node; apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must render the diagram in a real browser; {missing}")
        pytest.skip(missing)
    config = tmp_path / "puppeteer.json"
    config.write_text(
        json.dumps(
            {
                "executablePath": CHROMIUM,
                "args": ["--no-sandbox", "--headless", "--disable-gpu", "--disable-dev-shm-usage"],
            }
        )
    )
    (tmp_path / f"{name}.mmd").write_text(source)
    out = tmp_path / f"{name}.svg"
    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    result = subprocess.run(
        [str(MMDC), "-p", str(config), "-i", str(tmp_path / f"{name}.mmd"), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return out.read_text()


def test_dev_diagram_renders_in_a_real_browser(policy_pack, tmp_path):
    svg = _render(tmp_path, "dev", render_mermaid(build_topology(judge(policy_pack, str(REPO), "preview"))).source)
    for label in (
        "VPC network-vpc · 10.0.0.0/16",
        "isolated subnets · no route out of the VPC",
        "service backend-service",
        "data-classification: sensitive",
        "ecr.api, ecr.dkr, logs · 1 AZ: us-east-1a",
        "Service Connect backend:5000",
        "SG 3000",
        "⚠ advisory: ALB ingress-alb",
    ):
        assert label in svg, label


def test_plain_program_diagram_renders_in_a_real_browser(policy_pack, tmp_path):
    svg = _render(
        tmp_path, "plain", render_mermaid(build_topology(judge(policy_pack, "plain_network", "preview"))).source
    )
    for label in (
        "NAT gateways x2 (public, Elastic IP)",
        "private subnets · default route to NAT",
        "/v1/* -&gt; api-tg",
    ):
        assert label in svg, label


def test_deploy_check_marks_render_in_a_real_browser(policy_pack, tmp_path):
    svg = _render(
        tmp_path, "deploy", render_mermaid(build_topology(judge(policy_pack, "deploy_checks", "preview"))).source
    )
    assert "⚠ deploy check: service app-service" in svg
