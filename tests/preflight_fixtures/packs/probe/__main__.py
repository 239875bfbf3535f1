from probe_policies import POLICIES
from pulumi_policy import PolicyPack

PolicyPack(
    name="preflight-probe",
    policies=POLICIES,
    initial_config={"probe-no-public-ip": {"tag": "from-initial-config"}},
)
