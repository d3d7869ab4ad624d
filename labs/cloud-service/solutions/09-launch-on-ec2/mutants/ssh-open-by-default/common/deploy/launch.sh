#!/usr/bin/env bash
# Launches the notes service on EC2: one security group and one tagged
# instance that installs itself with deploy/user-data.sh. Idempotent: a second
# run finds both and creates nothing.
#
# Settings (environment variables):
#   APP_NAME       tag and name prefix              (default notes-lab)
#   APP_PORT       the port the service listens on  (default 8080)
#   INSTANCE_TYPE                                   (default t3.micro)
#   AMI_ID         (default: the latest Amazon Linux 2023, from SSM's public parameter)
#   ADMIN_CIDR     SSH is allowed from here only, e.g. 203.0.113.7/32 (default: no SSH at all;
#                  use SSM Session Manager instead)
#   VPC_ID, SUBNET_ID  (default: the default VPC and one of its subnets)
# Prints instance_id=... and url=... on stdout; progress goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
APP_NAME="${APP_NAME:-notes-lab}"
APP_PORT="${APP_PORT:-8080}"
INSTANCE_TYPE="${INSTANCE_TYPE:-t3.micro}"
ADMIN_CIDR="${ADMIN_CIDR:-}"
SG_NAME="$APP_NAME-sg"
ALIVE="Name=instance-state-name,Values=pending,running,stopping,stopped"

log() { echo "launch: $*" >&2; }

case "$ADMIN_CIDR" in
  0.0.0.0/0 | ::/0)
    log "refusing SSH from the whole internet ($ADMIN_CIDR): use your address/32, or leave ADMIN_CIDR empty"
    exit 2 ;;
esac

if [ -z "${VPC_ID:-}" ]; then
  VPC_ID=$(aws ec2 describe-vpcs --filters Name=is-default,Values=true --query 'Vpcs[0].VpcId' --output text)
  if [ "$VPC_ID" = "None" ]; then log "this region has no default VPC: set VPC_ID and SUBNET_ID"; exit 2; fi
fi
if [ -z "${AMI_ID:-}" ]; then
  AMI_ID=$(aws ssm get-parameter --name /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 \
    --query Parameter.Value --output text)
fi

# 1. The security group: the app port from anywhere, SSH only from ADMIN_CIDR.
sg_id=$(aws ec2 describe-security-groups \
  --filters "Name=group-name,Values=$SG_NAME" "Name=vpc-id,Values=$VPC_ID" \
  --query 'SecurityGroups[0].GroupId' --output text)
if [ "$sg_id" = "None" ]; then
  sg_id=$(aws ec2 create-security-group --group-name "$SG_NAME" --vpc-id "$VPC_ID" \
    --description "notes service ($APP_NAME): HTTP on $APP_PORT" \
    --tag-specifications "ResourceType=security-group,Tags=[{Key=App,Value=$APP_NAME}]" \
    --query GroupId --output text)
  aws ec2 authorize-security-group-ingress --group-id "$sg_id" \
    --protocol tcp --port "$APP_PORT" --cidr 0.0.0.0/0 >/dev/null
  SSH_CIDR=${ADMIN_CIDR:-0.0.0.0/0}
  aws ec2 authorize-security-group-ingress --group-id "$sg_id" \
    --protocol tcp --port 22 --cidr "$SSH_CIDR" >/dev/null
  log "created security group $sg_id ($SG_NAME)"
else
  log "security group $sg_id ($SG_NAME) exists"
fi

# 2. The instance, found by its App tag, or launched.
instance_id=$(aws ec2 describe-instances --filters "Name=tag:App,Values=$APP_NAME" "$ALIVE" \
  --query 'Reservations[].Instances[].InstanceId' --output text)
if [ -z "$instance_id" ] || [ "$instance_id" = "None" ]; then
  instance_id=$(aws ec2 run-instances --count 1 \
    --image-id "$AMI_ID" --instance-type "$INSTANCE_TYPE" \
    --security-group-ids "$sg_id" ${SUBNET_ID:+--subnet-id "$SUBNET_ID"} \
    --user-data "file://$here/user-data.sh" \
    --metadata-options "HttpTokens=required,HttpEndpoint=enabled,HttpPutResponseHopLimit=1" \
    --tag-specifications "ResourceType=instance,Tags=[{Key=Name,Value=$APP_NAME},{Key=App,Value=$APP_NAME}]" \
    --query 'Instances[0].InstanceId' --output text)
  log "launched $instance_id; waiting until it runs"
  aws ec2 wait instance-running --instance-ids "$instance_id"
else
  log "instance $instance_id exists"
fi

public_ip=$(aws ec2 describe-instances --instance-ids "$instance_id" \
  --query 'Reservations[0].Instances[0].PublicIpAddress' --output text)
echo "instance_id=$instance_id"
echo "url=http://$public_ip:$APP_PORT"
