#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: email_forwarder
short_description: Manage an email forwarder of a cPanel account with whmkit
description:
  - Adds a forwarder from an address of the account to a destination with UAPI C(Email::add_forwarder)
    and removes it with C(Email::delete_forwarder); read with C(Email::list_forwarders).
version_added: "0.1.0"
author:
  - whmkit contributors (@whmkit)
extends_documentation_fragment:
  - whmkit.cpanel.connection
options:
  user:
    description:
      - cPanel account that owns the address.
    type: str
    required: true
  address:
    description:
      - The forwarded address, C(local@domain).
    type: str
    required: true
  destination:
    description:
      - Where the mail goes (an email address).
    type: str
    required: true
  state:
    description:
      - Whether the forwarder exists.
    type: str
    choices: [present, absent]
    default: present
'''

EXAMPLES = r'''
- name: sales@ goes to the team
  whmkit.cpanel.email_forwarder:
    user: bob
    address: sales@bob.example
    destination: team@mail.example
'''

RETURN = r'''
forwarders:
  description: The destinations of the address before the run.
  returned: always
  type: list
  elements: str
calls:
  description: The writing calls made (planned, in check mode), secrets masked.
  returned: always
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.whmkit.cpanel.plugins.module_utils.whmkit import Runner, argspec, as_list


def main():
    module = AnsibleModule(
        argument_spec=argspec(
            user=dict(type='str', required=True),
            address=dict(type='str', required=True),
            destination=dict(type='str', required=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        supports_check_mode=True,
    )
    p = module.params
    r = Runner(module)
    user = p['user']
    address = p['address'].lower()
    if address.count('@') != 1:
        module.fail_json(msg='address must be local@domain')
    local, domain = address.split('@')
    dest = p['destination'].strip()
    rows = as_list(r.get_or_assume('the account %s' % user, 'uapi', 'list_forwarders', dict(domain=domain),
                                   user=user, module='Email'))
    current = [str(x.get('forward')) for x in rows if isinstance(x, dict) and str(x.get('dest', '')).lower() == address]
    exists = dest.lower() in [c.lower() for c in current]
    r.before = dict(forwarders=current)
    if p['state'] == 'present':
        r.after = dict(forwarders=current if exists else current + [dest])
        if not exists:
            r.change('uapi', 'add_forwarder', dict(domain=domain, email=local, fwdopt='fwd', fwdemail=dest),
                     user=user, module='Email')
    else:
        r.after = dict(forwarders=[c for c in current if c.lower() != dest.lower()])
        if exists:
            stored = next(c for c in current if c.lower() == dest.lower())
            r.change('uapi', 'delete_forwarder', dict(address=address, forwarder=stored), user=user, module='Email')
    r.exit(forwarders=current)


if __name__ == '__main__':
    main()
