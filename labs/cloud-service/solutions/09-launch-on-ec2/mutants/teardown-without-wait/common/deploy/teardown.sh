#!/usr/bin/env bash
# Removes everything deploy/launch.sh created: the instances tagged
# App=$APP_NAME, then the security group $APP_NAME-sg. Safe to run twice.
set -euo pipefail

APP_NAME="${APP_NAME:-notes-lab}"
SG_NAME="$APP_NAME-sg"

log() { echo "teardown: $*" >&2; }

ids=$(aws ec2 describe-instances \
  --filters "Name=tag:App,Values=$APP_NAME" "Name=instance-state-name,Values=pending,running,stopping,stopped" \
  --query 'Reservations[].Instances[].InstanceId' --output text)
if [ -n "$ids" ] && [ "$ids" != "None" ]; then
  # shellcheck disable=SC2086 # one argument per id
  aws ec2 terminate-instances --instance-ids $ids >/dev/null
  log "terminating $ids; waiting (a group in use cannot be deleted)"
else
  log "no instance tagged App=$APP_NAME"
fi

sg_ids=$(aws ec2 describe-security-groups --filters "Name=group-name,Values=$SG_NAME" \
  --query 'SecurityGroups[].GroupId' --output text)
for sg in $sg_ids; do
  [ "$sg" = "None" ] && continue
  aws ec2 delete-security-group --group-id "$sg"
  log "deleted security group $sg"
done
log "done: nothing tagged App=$APP_NAME is left running"
