"""awsx.ec2.Vpc's subnet layout at pulumi-awsx 3.11.0, as plain functions (no Pulumi import).

Facts carried over from pulumi-awsx's source, rewritten here:
- awsx/ec2/subnetDistributorLegacy.ts (subnetStrategy "Legacy", the default): AZ blocks of 2^ceil(log2(azs))
  equal parts; private, then public, then isolated subnets per AZ; default masks max(AZ mask + 1, 19) private,
  max(AZ mask + 1, 20) public, max(AZ mask + 1, 24) isolated (no extra bit for a single spec); with no specs, one
  private (AZ mask + 1) and one public (AZ mask + 2) per AZ. CIDRs are the raw address arithmetic of that file, so a
  CIDR may keep host bits (`10.0.128.32/17`), as awsx passes it to AWS.
- awsx/ec2/subnetDistributorNew.ts ("Auto", "AutoMerge", "Exact" without blocks, and any spec list given cidrBlocks):
  AZ blocks of mask + ceil(log2(azs)); subnets packed in spec order; default specs private /(max(AZ,16)+1) and public
  /(max(AZ,16)+2); `size` maps to a mask.
- awsx/ec2/subnetNaming.ts: resource name `<vpc>-<spec name or type>-<AZ number>`; the Name tag uses the AZ suffix
  with subnetNameTagStrategy "AvailabilityZone".
- awsx/ec2/vpc.ts: validations (overlaps, gaps for "Exact", NAT strategy needs public plus private/isolated).
"""

from __future__ import annotations

import ipaddress
import math
import re
from dataclasses import dataclass, field

SUBNET_TYPES = ("Public", "Private", "Isolated", "Unused")
STRATEGIES = ("Legacy", "Auto", "AutoMerge", "Exact")
NAME_TAG_STRATEGIES = ("Legacy", "AvailabilityZone")
VALID_SIZES = tuple(2 ** (32 - mask) for mask in range(31))  # index = mask, as awsx's validSubnetSizes
_AZ_REGION_PREFIX = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-")


class LayoutError(ValueError):
    """awsx would refuse these arguments; the message is awsx's reason."""


@dataclass(frozen=True)
class SubnetInput:
    type: str
    name: str | None = None
    cidr_mask: int | None = None
    size: int | None = None
    cidr_blocks: tuple[str, ...] | None = None
    tags: dict[str, str] | None = None


@dataclass(frozen=True)
class Subnet:
    type: str
    az_name: str
    cidr_block: str
    resource_name: str
    name_tag: str
    tags: dict[str, str] | None = field(default=None, compare=False)


def _int(address: str) -> int:
    return int(ipaddress.IPv4Address(address))


def _addr(value: int) -> str:
    return str(ipaddress.IPv4Address(value))


def _split(cidr: str) -> tuple[int, int]:
    address, mask = cidr.split("/")
    return _int(address), int(mask)


def _names(vpc: str, spec: SubnetInput, az_num: int, az_name: str, tag_strategy: str) -> tuple[str, str]:
    spec_name = spec.name or spec.type.lower()
    suffix = _AZ_REGION_PREFIX.sub("", az_name) if tag_strategy == "AvailabilityZone" else str(az_num)
    return f"{vpc}-{spec_name}-{az_num}", f"{vpc}-{spec_name}-{suffix}"


# ---- Legacy (subnetDistributorLegacy.ts) ---------------------------------------------------------------------------
def _cidr_subnet(cidr: str, new_bits: int, net_num: int) -> str:
    """The raw arithmetic of awsx's cidrSubnetV4: the written address plus net_num blocks, host bits kept."""
    address, mask = _split(cidr)
    new_mask = mask + new_bits
    if new_mask > 32:
        raise LayoutError(f"Requested {new_bits} new bits, but only {32 - mask} are available.")
    return f"{_addr(address + 2 ** (32 - new_mask) * net_num)}/{new_mask}"


def _range(cidr: str) -> tuple[int, int]:
    address, mask = _split(cidr)
    start = address & ~(2 ** (32 - mask) - 1) & 0xFFFFFFFF
    return start, start + 2 ** (32 - mask) - 1


def _overlap(a: str, b: str) -> bool:
    (a0, a1), (b0, b1) = _range(a), _range(b)
    return a0 <= b1 and b0 <= a1


def _next_block(previous: str, mask: int) -> str:
    _, last = _range(previous)
    _, block_end = _range(f"{_addr(last)}/{mask}")
    return f"{_addr(block_end + 1)}/{mask}"


def _next_pow2(n: int) -> int:
    return 1 if n <= 1 else 2 ** math.ceil(math.log2(n))


def legacy_layout(
    vpc: str,
    vpc_cidr: str,
    azs: list[str],
    specs: list[SubnetInput] | None,
    az_cidr_mask: int | None = None,
    tag_strategy: str = "Legacy",
) -> list[Subnet]:
    vpc_mask = _split(vpc_cidr)[1]
    bits_per_az = az_cidr_mask - vpc_mask if az_cidr_mask is not None else int(math.log2(_next_pow2(len(azs))))
    bases = [_cidr_subnet(vpc_cidr, bits_per_az, i) for i in range(len(azs))]
    if specs is None:
        private = [_cidr_subnet(base, 1, 0) for base in bases]
        public = [_cidr_subnet(_cidr_subnet(p, 0, 1), 1, 0) for p in private]
        out = []
        for kind, cidrs in (("Private", private), ("Public", public)):
            for i, cidr in enumerate(cidrs):
                resource, tag = _names(vpc, SubnetInput(kind), i + 1, azs[i], tag_strategy)
                out.append(Subnet(kind, azs[i], cidr, resource, tag))
        return out
    base_mask = _split(bases[0])[1]
    extra_bit = 0 if len(specs) == 1 else 1
    by_type = {kind: [s for s in specs if s.type.lower() == kind.lower()] for kind in ("Private", "Public", "Isolated")}
    floors = {"Private": 19, "Public": 20, "Isolated": 24}
    out = []
    for i, az in enumerate(azs):
        current = f"{_addr(_range(bases[i])[0] - 1)}/32"
        made: dict[str, list[Subnet]] = {"Private": [], "Public": [], "Isolated": []}
        for kind in ("Private", "Public", "Isolated"):
            earlier = made["Public"] or made["Private"] if kind == "Isolated" else made["Private"]
            if kind == "Private" or not earlier:
                base_cidr, split_base = bases[i], bases[i]
            else:
                base_cidr = earlier[-1].cidr_block
                split_base = _cidr_subnet(base_cidr, 0, 1)
            for j, spec in enumerate(by_type[kind]):
                mask = spec.cidr_mask if spec.cidr_mask is not None else max(base_mask + extra_bit, floors[kind])
                candidate = _cidr_subnet(split_base, mask - _split(base_cidr)[1], j)
                if _overlap(current, candidate):
                    candidate = _next_block(current, mask)
                resource, tag = _names(vpc, spec, i + 1, az, tag_strategy)
                made[kind].append(Subnet(kind, az, candidate, resource, tag, spec.tags))
                current = candidate
        out += made["Private"] + made["Public"] + made["Isolated"]
    return out


# ---- New allocator (subnetDistributorNew.ts) ---------------------------------------------------------------------
def _new_bits(count: int) -> int:
    return 0 if count == 0 else math.ceil(math.log2(count))


def _default_specs(az_mask: int) -> list[SubnetInput]:
    if az_mask > 26:
        raise LayoutError(
            f"Automatic subnet creation requires a VPC with at least /26 available per AZ, but only /{az_mask} is "
            "available."
        )
    top = max(az_mask, 16)
    return [SubnetInput("Private", cidr_mask=top + 1), SubnetInput("Public", cidr_mask=top + 2)]


def _merge_defaults(user: list[SubnetInput], defaults: list[SubnetInput]) -> list[SubnetInput]:
    overrides: dict[str, SubnetInput] = {}
    extra = []
    for spec in user:
        if spec.name is None and any(d.type.lower() == spec.type.lower() for d in defaults):
            if spec.type.lower() in overrides:
                raise LayoutError(f'Multiple subnet specs of type "{spec.type.lower()}" require unique names.')
            overrides[spec.type.lower()] = spec
        else:
            extra.append(spec)
    merged = []
    for default in defaults:
        over = overrides.get(default.type.lower())
        if over is None:
            merged.append(default)
        else:
            merged.append(
                SubnetInput(
                    type=over.type,
                    name=over.name,
                    cidr_mask=over.cidr_mask if over.cidr_mask is not None else default.cidr_mask,
                    size=over.size,
                    tags=over.tags,
                )
            )
    return merged + extra


def auto_layout(
    vpc: str,
    vpc_cidr: str,
    azs: list[str],
    specs: list[SubnetInput] | None,
    az_cidr_mask: int | None = None,
    tag_strategy: str = "Legacy",
    merge: bool = False,
) -> list[Subnet]:
    network = ipaddress.IPv4Network(vpc_cidr, strict=False)
    az_mask = az_cidr_mask if az_cidr_mask is not None else network.prefixlen + _new_bits(len(azs))
    if merge:
        allocate = _merge_defaults(specs or [], _default_specs(az_mask))
        named = _merge_defaults(specs or [], [SubnetInput("Private"), SubnetInput("Public")])
    else:
        allocate = specs if specs is not None else _default_specs(az_mask)
        named = specs if specs is not None else [SubnetInput("Private"), SubnetInput("Public")]
    if not allocate:
        raise LayoutError("No subnets specified")
    default_mask = az_mask + _new_bits(len(allocate))
    masks = [s.cidr_mask if s.cidr_mask is not None else default_mask for s in allocate]
    az_size = 2 ** (32 - az_mask)
    total = sum(2 ** (32 - m) for m in masks)
    if total > az_size:
        raise LayoutError(
            f"Subnets are too large for VPC. VPC has {az_size} addresses, but subnets require {total} addresses."
        )
    out = []
    az_base = int(network.network_address)
    for i, az in enumerate(azs):
        current: ipaddress.IPv4Network | None = None
        for mask, name_spec in zip(masks, named, strict=True):
            if current is None:
                current = ipaddress.IPv4Network((az_base, mask), strict=False)
            else:
                # awsx's nextNetmask: the block of the new size holding the previous block's last address, then
                # the block after it.
                holder = ipaddress.IPv4Network((int(current.broadcast_address), mask), strict=False)
                current = ipaddress.IPv4Network((int(holder.broadcast_address) + 1, mask))
            resource, tag = _names(vpc, name_spec, i + 1, az, tag_strategy)
            out.append(Subnet(name_spec.type, az, str(current), resource, tag, name_spec.tags))
        az_base += az_size
    return out


def explicit_layout(vpc: str, azs: list[str], specs: list[SubnetInput], tag_strategy: str = "Legacy") -> list[Subnet]:
    out = []
    for i, az in enumerate(azs):
        for spec in specs:
            resource, tag = _names(vpc, spec, i + 1, az, tag_strategy)
            out.append(Subnet(spec.type, az, (spec.cidr_blocks or ())[i], resource, tag, spec.tags))
    return out


def normalize(specs: list[SubnetInput] | None, az_count: int) -> tuple[list[SubnetInput] | None, bool]:
    """awsx's validateAndNormalizeSubnetInputs: (specs with size read as a mask, whether the layout is explicit)."""
    if specs is None:
        return None, False
    issues = []
    for kind in {s.type.lower() for s in specs}:
        names = [s.name for s in specs if s.type.lower() == kind]
        named = [n for n in names if n is not None]
        if len(names) > 1 and (names.count(None) > 1 or len(set(named)) < len(named)):
            issues.append(f'Multiple subnet specs of type "{kind}" require unique names.')
    for spec in specs:
        if spec.size is not None and spec.size not in VALID_SIZES:
            issues.append(f"The subnet size {spec.size} is invalid.")
    explicit = any(s.cidr_blocks is not None for s in specs)
    out = []
    for index, spec in enumerate(specs):
        if explicit:
            if spec.cidr_blocks is None:
                issues.append("If any subnet spec has explicit cidrBlocks, all subnets must have explicit cidrBlocks.")
            elif len(spec.cidr_blocks) != az_count:
                issues.append(
                    f"The number of CIDR blocks in subnetSpecs[{index}] must match the number of availability "
                    f"zones ({az_count})."
                )
            out.append(spec)
            continue
        mask = spec.cidr_mask
        if mask is None and spec.size in VALID_SIZES:
            mask = VALID_SIZES.index(spec.size)
        if spec.size is not None and mask is not None and VALID_SIZES[mask] != spec.size:
            issues.append(f"Subnet size {spec.size} does not match the expected size for a /{mask} subnet.")
        out.append(SubnetInput(spec.type, spec.name, mask, spec.size, None, spec.tags))
    if issues:
        raise LayoutError("Invalid subnet specifications: " + "; ".join(issues))
    return out, explicit


def subnet_layout(
    vpc: str,
    vpc_cidr: str,
    azs: list[str],
    specs: list[SubnetInput] | None,
    strategy: str = "Legacy",
    az_cidr_mask: int | None = None,
    tag_strategy: str = "Legacy",
) -> list[Subnet]:
    """The subnets awsx.ec2.Vpc creates, in awsx's order (per AZ, then spec order), Unused ones included."""
    if strategy == "AutoMerge" and specs and any(s.cidr_blocks is not None for s in specs):
        raise LayoutError('subnetStrategy="AutoMerge" does not support subnetSpecs with explicit cidrBlocks.')
    normalized, explicit = normalize(specs, len(azs))
    if normalized is None:
        if strategy in ("Auto", "AutoMerge"):
            layout = auto_layout(vpc, vpc_cidr, azs, None, az_cidr_mask, tag_strategy)
        else:
            layout = legacy_layout(vpc, vpc_cidr, azs, None, None, tag_strategy)
    elif strategy == "Legacy":
        layout = legacy_layout(vpc, vpc_cidr, azs, normalized, None, tag_strategy)
    elif explicit:
        layout = explicit_layout(vpc, azs, normalized, tag_strategy)
    else:
        layout = auto_layout(vpc, vpc_cidr, azs, normalized, az_cidr_mask, tag_strategy, merge=strategy == "AutoMerge")
    validate(layout, vpc_cidr if strategy == "Exact" else None)
    return layout


def validate(layout: list[Subnet], exact_vpc_cidr: str | None) -> None:
    """awsx's validateSubnets (no overlaps) and, for "Exact", validateNoGaps."""
    overlapping = [
        s.resource_name for s in layout if any(o is not s and _overlap(o.cidr_block, s.cidr_block) for o in layout)
    ]
    if overlapping:
        raise LayoutError(f"The following subnets overlap with at least one other subnet: {', '.join(overlapping)}")
    if exact_vpc_cidr is None or not layout:
        return
    vpc_start, vpc_end = _range(exact_vpc_cidr)
    position = vpc_start
    for subnet in layout:
        start, end = _range(subnet.cidr_block)
        if start != position:
            raise LayoutError(f"There are gaps in the subnet ranges: {subnet.resource_name} ({subnet.cidr_block})")
        position = end + 1
    if position != vpc_end + 1:
        raise LayoutError(f"There are gaps in the subnet ranges: {layout[-1].resource_name} ends before the VPC ends")


def nat_gateway_check(strategy: str, layout: list[Subnet]) -> None:
    """awsx's validateNatGatewayStrategy."""
    kinds = {s.type.lower() for s in layout}
    if strategy.lower() in ("oneperaz", "single") and not ("public" in kinds and kinds & {"private", "isolated"}):
        raise LayoutError(
            "If NAT Gateway strategy is 'OnePerAz' or 'Single', public subnets must be declared to host the NAT "
            "Gateway resource, along with private or isolated subnets to route through it."
        )
