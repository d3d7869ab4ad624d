"""The offline EC2 rehearsal of exercise 9.

Starts a local AWS mock (moto) on 127.0.0.1 and a free port, and runs the
deploy scripts against it (AWS_ENDPOINT_URL and dummy credentials: nothing
reaches AWS), inspecting the mock with boto3 after each step:

1. deploy/launch.sh without AMI_ID and ADMIN_CIDR, as a first-time user runs
   it: the AMI comes from SSM's public parameter, and SSH stays closed;
2. deploy/launch.sh again, with AMI_ID and ADMIN_CIDR: it finds what exists
   and creates nothing;
3. deploy/teardown.sh twice: nothing is left.

The mock behaves like EC2 where a careless script would get away with it in
a plain mock: a terminated instance stays `shutting-down` for a moment, and
a security group that such an instance still uses cannot be deleted
(DependencyViolation). The AWS CLI's waiters poll every second here instead
of every 15 seconds. Run it with the lab's deploy environment:

    deploy/.venv/bin/python harness/rehearse.py
"""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / "deploy" / ".venv" / "bin"
APP_NAME = "notes-lab"
APP_PORT = 8080
ADMIN_CIDR = "203.0.113.10/32"
REGION = "us-east-1"
ALIVE = ["pending", "running", "stopping", "stopped"]
AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
# A terminated instance stays "shutting-down" in the mock at least this long.
SHUTTING_DOWN_S = 1.0


class Report:
    def __init__(self) -> None:
        self.problems = 0

    def check(self, ok: bool, good: str, bad: str) -> bool:
        if ok:
            print(f"ok   {good}")
        else:
            self.problems += 1
            print(f"FAIL {bad}")
        return ok


def run_script(name: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["bash", f"deploy/{name}"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired as exc:
        return subprocess.CompletedProcess(exc.cmd, 124, "", f"deploy/{name} did not finish within 300 s")


def tail(done: subprocess.CompletedProcess) -> str:
    lines = (done.stdout + done.stderr).strip().splitlines()[-8:]
    return "\n".join("    " + line for line in lines) or "    (no output)"


def alive(ec2) -> list[dict]:
    found = ec2.describe_instances(Filters=[{"Name": "instance-state-name", "Values": ALIVE}])
    return [i for r in found["Reservations"] for i in r["Instances"]]


def our_groups(ec2) -> list[dict]:
    return ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"{APP_NAME}-sg"]}])["SecurityGroups"]


def world_open(perm: dict) -> bool:
    return any(r.get("CidrIp") == "0.0.0.0/0" for r in perm.get("IpRanges", [])) or any(
        r.get("CidrIpv6") == "::/0" for r in perm.get("Ipv6Ranges", []))


def covers(perm: dict, port: int) -> bool:
    if perm.get("IpProtocol") == "-1":
        return True
    return perm.get("IpProtocol") == "tcp" and perm.get("FromPort", -1) <= port <= perm.get("ToPort", -1)


def inspect_launch(ec2, rep: Report) -> None:
    instances = alive(ec2)
    if not rep.check(len(instances) == 1, "exactly one instance runs",
                     f"{len(instances)} instances run after deploy/launch.sh, expected exactly 1"):
        if not instances:
            return
    inst = instances[0]
    tags = {t["Key"]: t["Value"] for t in inst.get("Tags", [])}
    rep.check(tags.get("App") == APP_NAME, f"it is tagged App={APP_NAME}",
              f"the instance's tags are {tags}: add App={APP_NAME} (teardown finds it by that tag) and a Name")
    user_data = ec2.describe_instance_attribute(InstanceId=inst["InstanceId"], Attribute="userData")
    raw = user_data.get("UserData", {}).get("Value")
    expected = (ROOT / "deploy" / "user-data.sh").read_bytes()
    got = base64.b64decode(raw) if raw else b""
    rep.check(got == expected, "its user data is deploy/user-data.sh, byte for byte",
              "its user data differs from deploy/user-data.sh: pass --user-data file://PATH/user-data.sh"
              + (" (it has none)" if not got else ""))
    tokens = inst.get("MetadataOptions", {}).get("HttpTokens")
    rep.check(tokens == "required", "IMDSv2 is required (HttpTokens=required)",
              f"HttpTokens is {tokens!r}: pass --metadata-options HttpTokens=required,HttpEndpoint=enabled")
    group_ids = [g["GroupId"] for g in inst.get("SecurityGroups", [])]
    groups = ec2.describe_security_groups(GroupIds=group_ids)["SecurityGroups"] if group_ids else []
    perms = [p for g in groups for p in g.get("IpPermissions", [])]
    rep.check(any(covers(p, APP_PORT) for p in perms), f"its security group opens port {APP_PORT}",
              f"no security group of the instance opens tcp port {APP_PORT}")
    rep.check(not any(covers(p, 22) and world_open(p) for p in perms), "SSH (22) is not open to 0.0.0.0/0",
              "port 22 is open to the whole internet: allow it from ADMIN_CIDR only, or not at all")


def make_ec2_realistic() -> None:
    """Terminating takes a moment, and a group in use cannot be deleted, as on EC2.

    A terminated instance stays "shutting-down" until someone looks again
    (describe-instances, as `aws ec2 wait instance-terminated` does) at least
    SHUTTING_DOWN_S later: a script that deletes the security group right
    after terminate-instances gets DependencyViolation however slow the
    machine is, and one that waits sees "terminated" on its next poll.
    """
    from moto.ec2.exceptions import DependencyViolationError
    from moto.ec2.models.instances import Instance, InstanceBackend
    from moto.ec2.models.security_groups import SecurityGroupBackend

    terminate = Instance.terminate

    def slow_terminate(self, *args, **kwargs):
        previous = terminate(self, *args, **kwargs)
        self._state.name, self._state.code = "shutting-down", 32
        self.lab_terminated_at = time.monotonic()
        return previous

    def finish_terminating(backend) -> None:
        for reservation in backend.reservations.values():
            for inst in reservation.instances:
                since = getattr(inst, "lab_terminated_at", None)
                if inst._state.name == "shutting-down" and since is not None \
                        and time.monotonic() - since >= SHUTTING_DOWN_S:
                    inst._state.name, inst._state.code = "terminated", 48

    def looked_at(method):
        def wrapper(self, *args, **kwargs):
            finish_terminating(self)
            return method(self, *args, **kwargs)
        return wrapper

    delete = SecurityGroupBackend.delete_security_group

    def delete_unless_in_use(self, name=None, group_id=None):
        for reservation in self.reservations.values():
            for inst in reservation.instances:
                groups = {g.id for g in inst.security_groups} | {g.name for g in inst.security_groups}
                if inst.state != "terminated" and (group_id in groups or name in groups):
                    raise DependencyViolationError(
                        f"resource {group_id or name} has a dependent object ({inst.id} is {inst.state})")
        return delete(self, name=name, group_id=group_id)

    Instance.terminate = slow_terminate
    # describe-instances by filters, and by ids (the waiter's way)
    InstanceBackend.describe_instances = looked_at(InstanceBackend.describe_instances)
    InstanceBackend.get_reservations_by_instance_ids = looked_at(InstanceBackend.get_reservations_by_instance_ids)
    SecurityGroupBackend.delete_security_group = delete_unless_in_use


def fast_waiters(folder: Path) -> str:
    """An AWS_DATA_PATH whose EC2 waiters poll every second (AWS: every 15 s)."""
    import botocore

    version = "2016-11-15"
    builtin = Path(botocore.__file__).parent / "data" / "ec2" / version / "waiters-2.json"
    waiters = json.loads(builtin.read_text())
    for waiter in waiters["waiters"].values():
        waiter["delay"] = 1
    target = folder / "ec2" / version
    target.mkdir(parents=True)
    (target / "waiters-2.json").write_text(json.dumps(waiters))
    return str(folder)


def inspect_defaults(ec2, ssm, rep: Report) -> None:
    """After a launch without AMI_ID and ADMIN_CIDR: the defaults must be safe and work."""
    instances = alive(ec2)
    if not instances:
        return
    expected = ssm.get_parameter(Name=AMI_PARAMETER)["Parameter"]["Value"]
    got = instances[0].get("ImageId")
    rep.check(got == expected, f"without AMI_ID its AMI is the latest Amazon Linux 2023 ({AMI_PARAMETER})",
              f"without AMI_ID the instance runs {got!r}, expected {expected!r}, the value of the SSM "
              f"parameter {AMI_PARAMETER}")
    group_ids = [g["GroupId"] for g in instances[0].get("SecurityGroups", [])]
    groups = ec2.describe_security_groups(GroupIds=group_ids)["SecurityGroups"] if group_ids else []
    ssh = [p for g in groups for p in g.get("IpPermissions", []) if covers(p, 22)]
    rep.check(not ssh, "without ADMIN_CIDR, SSH (22) is closed",
              f"without ADMIN_CIDR port 22 is open ({ssh}): open 22 only when ADMIN_CIDR is set, never by default")


def main() -> int:
    try:
        import boto3
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        print(f"the rehearsal needs moto and boto3 ({exc}). Set them up with:\n"
              "    python3 -m venv deploy/.venv && deploy/.venv/bin/pip install -q -r deploy/requirements.txt")
        return 2
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log of the mock
    make_ec2_realistic()
    data_path = tempfile.TemporaryDirectory(prefix="rehearse-")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    creds = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": REGION}
    ec2 = boto3.client("ec2", endpoint_url=endpoint, **creds)
    ssm = boto3.client("ssm", endpoint_url=endpoint, **creds)
    ami = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
        AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION, AWS_REGION=REGION, AWS_PAGER="",
        AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        APP_NAME=APP_NAME, APP_PORT=str(APP_PORT), AMI_ID=ami, ADMIN_CIDR=ADMIN_CIDR,
        AWS_DATA_PATH=fast_waiters(Path(data_path.name)),
    )
    print(f"AWS mock (moto) on {endpoint}; nothing here reaches AWS")
    rep = Report()
    try:
        # A first-time user runs it bare: the AMI comes from SSM, SSH stays closed.
        print("-- a first launch without AMI_ID and ADMIN_CIDR (the defaults)")
        bare = {k: v for k, v in env.items() if k not in ("AMI_ID", "ADMIN_CIDR")}
        done = run_script("launch.sh", bare)
        if not rep.check(done.returncode == 0, "deploy/launch.sh exits 0 without AMI_ID and ADMIN_CIDR",
                         f"deploy/launch.sh exited {done.returncode} without AMI_ID and ADMIN_CIDR:\n{tail(done)}"):
            return 1
        inspect_launch(ec2, rep)
        inspect_defaults(ec2, ssm, rep)
        first = {i["InstanceId"] for i in alive(ec2)}
        groups = len(our_groups(ec2))
        print(f"-- a second launch, with AMI_ID and ADMIN_CIDR={ADMIN_CIDR}: it finds what exists")
        done = run_script("launch.sh", env)
        rep.check(done.returncode == 0, "a second deploy/launch.sh exits 0",
                  f"a second deploy/launch.sh exited {done.returncode}:\n{tail(done)}")
        rep.check({i["InstanceId"] for i in alive(ec2)} == first and len(our_groups(ec2)) == groups,
                  "the second run created nothing new",
                  "the second run created another instance or security group: look up what exists first (by tag and by name)")
        print("-- teardown, twice")
        for round_ in ("", "a second "):
            done = run_script("teardown.sh", env)
            rep.check(done.returncode == 0, f"{round_}deploy/teardown.sh exits 0",
                      f"{round_}deploy/teardown.sh exited {done.returncode}:\n{tail(done)}")
        left = [i["InstanceId"] for i in alive(ec2)]
        rep.check(not left, "no instance is left running", f"instances left after teardown: {left}")
        rep.check(not our_groups(ec2), f"the security group {APP_NAME}-sg is gone",
                  f"the security group {APP_NAME}-sg is left after teardown: delete it after the instances terminated")
    finally:
        server.stop()
        data_path.cleanup()
    print("the rehearsal passed: the same scripts deploy for real without AWS_ENDPOINT_URL" if not rep.problems
          else f"{rep.problems} problem(s)")
    return 1 if rep.problems else 0


if __name__ == "__main__":
    sys.exit(main())
