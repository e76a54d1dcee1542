#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: dns_zone
short_description: Manage a DNS zone with whmkit
description:
  - Adds a DNS zone with C(adddns) when it does not exist, removes it with C(killdns).
  - The records of an existing zone are left alone; manage them with M(whmkit.cpanel.dns_record).
version_added: "0.1.0"
author:
  - whmkit contributors (@whmkit)
extends_documentation_fragment:
  - whmkit.cpanel.connection
options:
  domain:
    description:
      - Name of the zone.
    type: str
    required: true
    aliases: [zone, name]
  state:
    description:
      - Whether the zone exists.
    type: str
    choices: [present, absent]
    default: present
  ip:
    description:
      - IPv4 address of the zone's main records. Required to add the zone.
    type: str
  owner:
    description:
      - Account (or reseller) that owns the new zone.
    type: str
  template:
    description:
      - Zone template used when the zone is added.
    type: str
'''

EXAMPLES = r'''
- name: A zone owned by bob
  whmkit.cpanel.dns_zone:
    domain: shop.example
    ip: 192.0.2.10
    owner: bob
'''

RETURN = r'''
zones:
  description: The zones C(listzones) reported before the run.
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
            domain=dict(type='str', required=True, aliases=['zone', 'name']),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            ip=dict(type='str'),
            owner=dict(type='str'),
            template=dict(type='str'),
        ),
        supports_check_mode=True,
    )
    p = module.params
    r = Runner(module)
    domain = p['domain'].lower().rstrip('.')
    zones = [z.get('domain') for z in as_list(r.get('whmapi1', 'listzones'), 'zone') if isinstance(z, dict)]
    exists = domain in zones
    r.before = dict(zone=domain, state='present' if exists else 'absent')
    r.after = dict(zone=domain, state=p['state'])
    if p['state'] == 'present' and not exists:
        if not p['ip']:
            module.fail_json(msg='ip is required to add the zone %s' % domain)
        params = dict(domain=domain, ip=p['ip'])
        if p['owner']:
            params['trueowner'] = p['owner']
        if p['template']:
            params['template'] = p['template']
        r.change('whmapi1', 'adddns', params)
    elif p['state'] == 'absent' and exists:
        r.change('whmapi1', 'killdns', dict(domain=domain))
    r.exit(zones=zones)


if __name__ == '__main__':
    main()
