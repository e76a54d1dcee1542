#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: whmapi1
short_description: Run any WHM API 1 function with whmkit
description:
  - Runs one WHM API 1 function with whmkit's C(whmapi1) and returns its data.
  - For a function that may change the state, C(changed) comes from the dry run (C(whmapi1 --check)),
    which runs the call against the current state and reports the files it would change.
    The real call is only made when the dry run reports a change.
  - In check mode a writing function only runs as a dry run; the file diffs show in diff mode.
version_added: "0.1.0"
author:
  - whmkit contributors (@whmkit)
extends_documentation_fragment:
  - whmkit.cpanel.connection
options:
  function:
    description:
      - Name of the function, for example C(createacct).
    type: str
    required: true
  params:
    description:
      - Parameters of the function. A list value repeats the key.
    type: dict
    default: {}
  user:
    description:
      - WHM user to run as (C(--user)), root or a reseller.
    type: str
  writes:
    description:
      - Whether the function may change the state. By default the CLI's help on the host tells.
      - Over C(api_url) a function whose nature is not given is treated as writing.
    type: bool
  fail_on_error:
    description:
      - Fail the task when the function answers with a failure (C(metadata.result) 0).
    type: bool
    default: true
'''

EXAMPLES = r'''
- name: List the accounts
  whmkit.cpanel.whmapi1:
    function: listaccts
    params:
      want: user,domain,plan
  register: accounts

- name: Set a tweak setting (changed only when the value differs)
  whmkit.cpanel.whmapi1:
    function: set_tweaksetting
    params:
      key: maxemailsperhour
      value: 200
'''

RETURN = r'''
data:
  description: The C(data) of the envelope.
  returned: always
  type: raw
envelope:
  description: The whole envelope the function printed.
  returned: always
  type: dict
ok:
  description: Whether the function succeeded (C(metadata.result) 1).
  returned: always
  type: bool
reason:
  description: C(metadata.reason) of the envelope.
  returned: always
  type: str
check:
  description: The dry-run report (files with their diffs, actions that would run), when a dry run was made.
  returned: when the function writes and the host's CLI supports --check
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.whmkit.cpanel.plugins.module_utils.whmkit import argspec, run_generic


def main():
    module = AnsibleModule(
        argument_spec=argspec(
            function=dict(type='str', required=True),
            params=dict(type='dict', default={}),
            user=dict(type='str'),
            writes=dict(type='bool'),
            fail_on_error=dict(type='bool', default=True),
        ),
        supports_check_mode=True,
    )
    run_generic(module, 'whmapi1')


if __name__ == '__main__':
    main()
