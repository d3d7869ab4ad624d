#!/bin/bash
# cloud-init user data: runs once, as root, on the first boot of the instance.
#
# TODO(lab): exercise 7. Install the service (see exercises/07-ec2-bootstrap.md):
# stop at the first error, create an unprivileged user, unpack the release,
# write /etc/notes/app.env (mode 0600) with a secret that is NOT in this file,
# install deploy/app.service as notes.service and enable it.
