"""A monthly cost estimate of the recorded network and its egress alternatives, from one dated price file.

What is priced (us-east-1 unless the stack's region is in the price file): NAT gateway hours and GB processed, interface
endpoint AZ-hours and GB, gateway endpoints (free), public IPv4 hours (NAT Elastic IPs, internet-facing ALB nodes,
public tasks), ALB hours and LCUs, cross-AZ data when interface endpoints sit in fewer AZs than the tasks (or one NAT
serves several AZs), internet data out, and Fargate vCPU and GB hours. Traffic is an assumption (`Traffic`), not a
measurement. The same services and traffic are then priced with other egress designs, side by side, with the traffic
at which NAT and interface endpoints cost the same.

Rounding: every amount is computed unrounded; a line is rounded half up to the cent when shown (`cents`), and totals
are the rounded sum of unrounded lines.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from ..errors import PreflightError
from ..option_files import read_json
from .topology import Service, Topology

PRICES_FILE = Path(__file__).with_name("aws_prices.json")
BASE_REGION = "us-east-1"
IMAGE_AND_LOGS = ("ecr.api", "ecr.dkr", "logs")  # the interface endpoints a private Fargate task needs (+ S3 gateway)
CROSS_AZ_DIRECTIONS = 2  # inter-AZ data is billed in each direction: out of one AZ and into the other


def cents(dollars: float) -> float:
    """Half up to the cent, after dropping float noise below a millionth (105 x 0.045 is 4.7249999...)."""
    return float(Decimal(f"{dollars:.6f}").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Traffic:
    """Monthly traffic of the whole stack, in GB (split between services by task count), and ALB load."""

    ecrS3: float = 20.0  # image layers from ECR (stored in S3) and other S3 traffic
    logs: float = 5.0  # to CloudWatch Logs
    awsOther: float = 0.0  # to other AWS services (Secrets Manager, SSM, STS, ...)
    internet: float = 0.0  # to the internet
    albLcu: float = 1.0  # average load balancer capacity units per ALB

    @classmethod
    def parse(cls, document: dict[str, Any], where: str) -> Traffic:
        allowed = {f.name for f in fields(cls)}
        values = {}
        for key, value in document.items():
            if key not in allowed:
                raise PreflightError(f"{where} {key}: unknown traffic key; allowed: {', '.join(sorted(allowed))}")
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise PreflightError(f"{where} {key}: {value!r} is not a number of GB >= 0")
            values[key] = float(value)
        return cls(**values)


def load_traffic(path: Path | None, pairs: list[str]) -> Traffic:
    """Defaults, then a JSON file of `{key: GB}`, then `KEY=GB` flags."""
    document: dict[str, Any] = {}
    if path is not None:
        loaded = read_json("--traffic", path)
        if not isinstance(loaded, dict):
            raise PreflightError(f'--traffic {path}: must hold a JSON object of GB per month, e.g. {{"logs": 5}}')
        document.update(loaded)
    for pair in pairs:
        key, sep, value = pair.partition("=")
        try:
            document[key] = float(value) if sep else None
        except ValueError:
            raise PreflightError(f"--traffic-gb {pair}: {value!r} is not a number of GB") from None
        if not sep:
            raise PreflightError(f"--traffic-gb {pair!r}: expected KEY=GB, e.g. internet=50")
    return Traffic.parse(document, "--traffic" if path else "--traffic-gb")


def load_prices(region: str, override: Path | None = None) -> tuple[dict[str, float], str, str]:
    """(prices, date, note) for `region`: us-east-1's prices with the region's differences, then the override's."""
    document = json.loads(PRICES_FILE.read_text())
    if override is not None:
        extra = read_json("--prices", override)
        regions = extra.get("regions") if isinstance(extra, dict) else None
        if not isinstance(regions, dict):
            raise PreflightError(f'--prices {override}: needs a `regions` object, e.g. {{"regions": {{...}}}}')
        known = set(document["regions"][BASE_REGION])
        for name, values in regions.items():
            for key, value in (values or {}).items():
                if key not in known:
                    raise PreflightError(
                        f"--prices {override}: regions.{name}.{key}: unknown price; allowed: {', '.join(sorted(known))}"
                    )
                if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                    raise PreflightError(f"--prices {override}: regions.{name}.{key}: {value!r} is not a price >= 0")
            document["regions"].setdefault(name, {}).update(values or {})
        document["date"] = extra.get("date", document["date"])
    prices = dict(document["regions"][BASE_REGION])
    note = ""
    if region in document["regions"]:
        prices.update(document["regions"][region])
    else:
        note = f"no prices for {region} in the price file: {BASE_REGION} prices used"
    prices["hoursPerMonth"] = float(document["hoursPerMonth"])
    return prices, str(document["date"]), note


@dataclass
class Line:
    item: str
    quantity: str
    dollars: float


@dataclass
class Estimate:
    name: str
    lines: list[Line] = field(default_factory=list)
    possible: bool = True
    note: str = ""

    @property
    def total(self) -> float:
        return cents(sum(line.dollars for line in self.lines))

    @property
    def egress(self) -> float:
        """The lines an egress design changes (everything but the load balancer and Fargate compute)."""
        return cents(sum(line.dollars for line in self.lines if not line.item.startswith(("ALB", "Fargate"))))


@dataclass
class Design:
    """An egress design for the private tasks: what carries their traffic."""

    nat_gateways: int = 0
    nat_public: bool = True
    interface: dict[str, int] = field(default_factory=dict)  # short service name -> number of AZs
    interface_azs: frozenset[str] = frozenset()
    s3_gateway: bool = False


@dataclass
class CostReport:
    region: str
    prices_date: str
    traffic: Traffic
    current: Estimate
    alternatives: list[Estimate]
    break_even: list[dict[str, Any]]
    notes: list[str]

    def to_json(self) -> dict[str, Any]:
        def estimate(e: Estimate) -> dict[str, Any]:
            return {
                "name": e.name,
                "possible": e.possible,
                "note": e.note,
                "total": e.total,
                "egress": e.egress,
                "lines": [{**asdict(line), "dollars": cents(line.dollars)} for line in e.lines],
            }

        return {
            "region": self.region,
            "pricesDate": self.prices_date,
            "traffic": asdict(self.traffic),
            "total": self.current.total,
            "current": estimate(self.current),
            "alternatives": [estimate(a) for a in self.alternatives],
            "breakEven": self.break_even,
            "notes": self.notes,
        }


class _Pricer:
    def __init__(self, prices: dict[str, float], traffic: Traffic, task_azs: list[str]) -> None:
        self.p, self.traffic, self.task_azs = prices, traffic, task_azs
        self.hours = prices["hoursPerMonth"]

    def hourly(self, estimate: Estimate, item: str, count: float, price: str, unit: str) -> None:
        if count:
            estimate.lines.append(
                Line(
                    item,
                    f"{count:g} {unit} x {self.hours:g} h x ${self.p[price]:g}",
                    count * self.hours * self.p[price],
                )
            )

    def per_gb(self, estimate: Estimate, item: str, gb: float, price: str, factor: float = 1.0) -> None:
        if gb:
            times = f" x {factor:g}" if factor != 1 else ""
            estimate.lines.append(Line(item, f"{gb:g} GB{times} x ${self.p[price]:g}", gb * factor * self.p[price]))

    def cross_az_share(self, azs: frozenset[str] | set[str]) -> float:
        """Share of the tasks (spread evenly over their AZs) outside `azs`."""
        if not self.task_azs:
            return 0.0
        return sum(az not in azs for az in self.task_azs) / len(self.task_azs)

    def egress(self, estimate: Estimate, design: Design, share: float) -> None:
        """Price `share` of the stack's traffic (the private tasks' share) through `design`."""
        t = self.traffic
        nat_gb = endpoint_gb = 0.0
        unreachable = []
        s3 = t.ecrS3 * share
        if design.s3_gateway:
            pass  # free, and no cross-AZ: the gateway endpoint is in the route table of every AZ
        elif "s3" in design.interface:
            endpoint_gb += s3
        elif design.nat_gateways:
            nat_gb += s3
        elif s3:
            unreachable.append("ECR/S3")
        for gb, names, label in (
            (t.logs * share, {"logs"}, "CloudWatch Logs"),
            (t.awsOther * share, set(design.interface) - {"s3", *IMAGE_AND_LOGS}, "other AWS services"),
        ):
            if gb and names & set(design.interface):
                endpoint_gb += gb
            elif gb and design.nat_gateways:
                nat_gb += gb
            elif gb:
                unreachable.append(label)
        internet = t.internet * share
        if internet and design.nat_gateways and design.nat_public:
            nat_gb += internet
        elif internet:
            unreachable.append("the internet")
        if unreachable:
            estimate.possible = False
            estimate.note = "no path to " + ", ".join(unreachable) + " for private tasks"
        self.hourly(estimate, "NAT gateway hours", design.nat_gateways, "natGatewayHour", "NAT")
        self.per_gb(estimate, "NAT data processed", nat_gb, "natGatewayGB")
        if design.nat_public:
            self.hourly(estimate, "Public IPv4: NAT Elastic IPs", design.nat_gateways, "publicIpv4Hour", "IP")
        az_hours = sum(design.interface.values())
        self.hourly(estimate, "Interface endpoint AZ-hours", az_hours, "interfaceEndpointAzHour", "endpoint-AZ")
        self.per_gb(estimate, "Interface endpoint data processed", endpoint_gb, "interfaceEndpointGB")
        if design.s3_gateway:
            estimate.lines.append(Line("Gateway endpoint (S3)", "free", 0.0))
        crossing = endpoint_gb * self.cross_az_share(design.interface_azs)
        if design.nat_gateways and design.nat_gateways < len(self.task_azs):
            crossing += nat_gb * (len(self.task_azs) - design.nat_gateways) / len(self.task_azs)
        self.per_gb(estimate, "Cross-AZ data", round(crossing, 6), "interAzGB", CROSS_AZ_DIRECTIONS)
        if internet and not unreachable:
            self.per_gb(estimate, "Internet data out", internet, "internetOutGB")

    def public_tasks(self, estimate: Estimate, tasks: int, share: float) -> None:
        """Tasks with public IPs: their AWS traffic goes to public service endpoints, the internet directly."""
        self.hourly(estimate, "Public IPv4: public tasks", tasks, "publicIpv4Hour", "IP")
        self.per_gb(estimate, "Internet data out", self.traffic.internet * share, "internetOutGB")

    def common(self, estimate: Estimate, topology: Topology) -> None:
        albs = [b for b in topology.load_balancers if b.type == "application"]
        self.hourly(estimate, "ALB hours", len(albs), "albHour", "ALB")
        self.hourly(estimate, "ALB LCUs", len(albs) * self.traffic.albLcu, "albLcuHour", "LCU")
        public_nodes = sum(max(len(b.azs), b.subnets, 1) for b in topology.load_balancers if not b.internal)
        self.hourly(estimate, "ALB public IPv4 (one per AZ)", public_nodes, "publicIpv4Hour", "IP")
        for arch, suffix in (("X86_64", ""), ("ARM64", "Arm")):
            running = [s for s in topology.services if s.fargate and s.arch == arch]
            vcpu = sum(s.cpu * s.desired_count for s in running)
            memory = sum(s.memory * s.desired_count for s in running)
            label = "" if arch == "X86_64" else " (ARM)"
            self.hourly(estimate, f"Fargate vCPU{label}", vcpu, f"fargate{suffix}VcpuHour", "vCPU")
            self.hourly(estimate, f"Fargate memory{label}", memory, f"fargate{suffix}GBHour", "GB")


def _tasks(services: list[Service]) -> int:
    return sum(s.desired_count for s in services)


def _current_design(topology: Topology) -> tuple[Design, list[str]]:
    design, notes = Design(), []
    azs: set[str] = set()
    for vpc in topology.vpcs:
        design.nat_gateways += len(vpc.nat_gateways)
        design.nat_public = design.nat_public and all(n.public for n in vpc.nat_gateways)
        for endpoint in vpc.endpoints:
            if endpoint.type == "Gateway" and endpoint.service == "s3":
                design.s3_gateway = True
            elif endpoint.type == "Interface":
                design.interface[endpoint.service] = design.interface.get(endpoint.service, 0) + max(
                    len(endpoint.azs), 1
                )
                azs.update(endpoint.azs)
    design.interface_azs = frozenset(azs)
    if design.nat_gateways and not design.nat_public:
        notes.append("private NAT gateways give no internet egress")
    return design, notes


def estimate_cost(topology: Topology, prices: dict[str, float], prices_date: str, traffic: Traffic) -> CostReport:
    task_azs = sorted({az for s in topology.services for az in s.azs})
    pricer = _Pricer(prices, traffic, task_azs)
    services = [s for s in topology.services if s.fargate]
    private = [s for s in services if not s.public_ip]
    public = [s for s in services if s.public_ip]
    tasks = _tasks(services)

    def share(subset: list[Service]) -> float:
        return _tasks(subset) / tasks if tasks else 0.0

    design, notes = _current_design(topology)
    current = Estimate("this stack")
    pricer.egress(current, design, share(private) if tasks else 1.0)
    pricer.public_tasks(current, _tasks(public), share(public))
    pricer.common(current, topology)

    k = max(len(task_azs), 1)
    extra = sorted(set(design.interface) - {"s3", *IMAGE_AND_LOGS})
    if traffic.awsOther and not extra:
        extra = ["one more service"]
    all_azs = frozenset(task_azs)
    designs = {
        f"interface endpoints in all {k} task AZs + S3 gateway, no NAT": Design(
            interface={name: k for name in [*IMAGE_AND_LOGS, *extra]}, interface_azs=all_azs, s3_gateway=True
        ),
        "single NAT + S3 gateway": Design(nat_gateways=1, s3_gateway=True),
        f"NAT per AZ ({k}) + S3 gateway": Design(nat_gateways=k, s3_gateway=True),
    }
    alternatives = []
    for name, alternative in designs.items():
        estimate = Estimate(name)
        pricer.egress(estimate, alternative, 1.0)
        pricer.common(estimate, topology)
        alternatives.append(estimate)
    sensitive = [s for s in services if s.sensitivity == "sensitive"]
    allowed = [s for s in services if s not in sensitive]
    placement = Estimate("public placement where allowed")
    if not allowed:
        placement.possible, placement.note = False, "not allowed: every service is sensitive"
    else:
        if sensitive:
            pricer.egress(placement, design, share(sensitive))
        pricer.public_tasks(placement, _tasks(allowed), share(allowed))
        pricer.common(placement, topology)
        if sensitive:
            placement.note = "sensitive " + ", ".join(s.name for s in sensitive) + " keeps this stack's egress"
    alternatives.append(placement)
    return CostReport(
        region=topology.region,
        prices_date=prices_date,
        traffic=traffic,
        current=current,
        alternatives=alternatives,
        break_even=break_even(prices, k, len(IMAGE_AND_LOGS) + len(extra)),
        notes=notes,
    )


def break_even(prices: dict[str, float], azs: int, endpoints: int) -> list[dict[str, Any]]:
    """GB/month to logs and other AWS services at which a NAT design costs as much as interface endpoints in every
    task AZ. S3 goes through the free gateway endpoint in both, so it does not move the point.

    cost = fixed + slope x GB. Endpoints: fixed = endpoints x AZs x hours x AZ-hour price, slope = endpoint GB price.
    NAT: fixed = NATs x hours x (NAT hour + public IPv4 hour), slope = NAT GB price, plus the cross-AZ price in both
    directions for the share of tasks outside the single NAT's AZ.
    """
    hours = prices["hoursPerMonth"]
    ep_fixed = endpoints * azs * hours * prices["interfaceEndpointAzHour"]
    ep_slope = prices["interfaceEndpointGB"]
    points = []
    for name, nats in (("single NAT", 1), (f"NAT per AZ ({azs})", azs)):
        nat_fixed = nats * hours * (prices["natGatewayHour"] + prices["publicIpv4Hour"])
        nat_slope = prices["natGatewayGB"] + (azs - nats) / azs * CROSS_AZ_DIRECTIONS * prices["interAzGB"]
        if nat_slope > ep_slope and ep_fixed > nat_fixed:
            gb = (ep_fixed - nat_fixed) / (nat_slope - ep_slope)
            verdict = f"endpoints cheaper above {gb:,.0f} GB/month"
        elif ep_fixed <= nat_fixed and ep_slope <= nat_slope:
            gb, verdict = 0.0, "endpoints cheaper at any traffic"
        else:
            gb, verdict = None, "NAT cheaper at any traffic"
        points.append(
            {
                "nat": name,
                "natFixed": cents(nat_fixed),
                "natPerGB": round(nat_slope, 4),
                "endpointsFixed": cents(ep_fixed),
                "endpointsPerGB": round(ep_slope, 4),
                "breakEvenGB": None if gb is None else round(gb, 1),
                "verdict": verdict,
            }
        )
    return points
