# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r'''
options:
  binary_dir:
    description:
      - Directory of the C(whmapi1), C(uapi) and C(cpapi2) programs on the managed host.
      - By default they are looked up in the C(PATH).
    type: path
  state_root:
    description:
      - State root the calls work on (C(--root)), a copy of a server's C(/); for tests and staging.
      - By default the programs use C($WHMKIT_ROOT) or C(/).
    type: path
  api_url:
    description:
      - Base URL of a C(whmkitd) WHM listener, for example C(https://host.example:2087).
      - When set, the calls go over HTTPS with C(api_token) instead of running the programs on the host.
    type: str
  api_token:
    description:
      - "API token of C(api_user), sent as C(Authorization: whm USER:TOKEN). Required with C(api_url)."
    type: str
  api_user:
    description:
      - WHM user that owns C(api_token).
    type: str
    default: root
  validate_certs:
    description:
      - Whether to verify the TLS certificate of C(api_url).
    type: bool
    default: true
  timeout:
    description:
      - Timeout of one HTTPS request, in seconds.
    type: int
    default: 60
notes:
  - By default the module runs the whmkit programs on the managed host with C(--output=json).
  - With C(api_url), check mode cannot use the dry run (C(--check)) of the programs.
'''
