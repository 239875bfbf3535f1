from probe_policies import POLICIES
from pulumi_policy import PolicyPack

PolicyPack(name="preflight-probe", policies=POLICIES)
