"""One policy per module, each file named after the policy it registers (`task-sg-ingress-from-sgs` lives in
`task_sg_ingress_from_sgs.py` as `POLICY`, with its own enforcement level). The pack discovers them here."""
