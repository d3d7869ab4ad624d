#!/bin/bash
# cloud-init user data: runs once, as root, on the first boot of the instance
# (Amazon Linux 2023). Its output is in /var/log/cloud-init-output.log.
# No secret is written here: user data is readable by anyone who can
# describe the instance. The secret comes from SSM Parameter Store.
set -euo pipefail

APP_USER=notes
APP_DIR=/opt/notes
APP_PORT=8080
# Where your release tarball lives (it holds app/ and deploy/app.service).
ARTIFACT_URL="https://github.com/YOUR-ORG/notes-service/releases/latest/download/notes-service.tar.gz"
SECRET_PARAMETER=/notes-lab/app-secret-key

# IMDSv2: a session token first, then metadata (launch.sh makes tokens required).
region=$(curl -fsS http://169.254.169.254/latest/meta-data/placement/region)

dnf install -y -q python3 tar

id -u "$APP_USER" >/dev/null 2>&1 || useradd --system --home-dir "$APP_DIR" --shell /sbin/nologin "$APP_USER"
mkdir -p "$APP_DIR"
curl -fsSL "$ARTIFACT_URL" | tar -xz -C "$APP_DIR"
chown -R root:root "$APP_DIR"

# The secret: from Parameter Store when the instance role allows it, else a
# random one for this instance (the notes service keeps no sessions).
secret=$(aws ssm get-parameter --region "$region" --name "$SECRET_PARAMETER" \
  --with-decryption --query Parameter.Value --output text 2>/dev/null || true)
if [ -z "$secret" ]; then
  secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
fi
install -d -m 0755 /etc/notes
umask 077
cat > /etc/notes/app.env <<ENV
HOST=0.0.0.0
PORT=$APP_PORT
APP_ENV=production
GIT_SHA=$(cat "$APP_DIR/GIT_SHA" 2>/dev/null || echo unknown)
LOG_LEVEL=info
APP_SECRET_KEY=$secret
ENV
chmod 0600 /etc/notes/app.env

install -m 0644 "$APP_DIR/deploy/app.service" /etc/systemd/system/notes.service
systemctl daemon-reload
systemctl enable --now notes.service
