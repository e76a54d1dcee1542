#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: zone_info
short_description: Read DNS zones with whmkit
description:
  - Returns the records of one zone (C(parse_dns_zone), names and data decoded) or the list of zones (C(listzones)).
version_added: "0.1.0"
author:
  - whmkit contributors (@whmkit)
extends_documentation_fragment:
  - whmkit.cpanel.connection
options:
  zone:
    description:
      - Name of one zone. Not given, the zones are listed.
    type: str
    aliases: [domain]
'''

EXAMPLES = r'''
- name: The records of shop.example
  whmkit.cpanel.zone_info:
    zone: shop.example
  register: zone
'''

RETURN = r'''
zones:
  description: The zones (domain and zone file), without C(zone).
  returned: when zone is not given
  type: list
  elements: dict
records:
  description: The records of the zone, each with C(line_index), C(name) (absolute), C(ttl), C(type), C(data) (a list of strings).
  returned: when zone is given
  type: list
  elements: dict
serial:
  description: The zone's serial.
  returned: when zone is given
  type: str
'''

import base64

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_text
from ansible_collections.whmkit.cpanel.plugins.module_utils.whmkit import Client, WhmkitError, argspec, as_list


def main():
    module = AnsibleModule(
        argument_spec=argspec(zone=dict(type='str', aliases=['domain'])),
        supports_check_mode=True,
    )
    p = module.params
    client = Client(module)
    try:
        if not p['zone']:
            res = client.call('whmapi1', 'listzones')
            module.exit_json(changed=False, zones=as_list(res.data, 'zone'))
        zone = p['zone'].lower().rstrip('.')
        res = client.call('whmapi1', 'parse_dns_zone', dict(zone=zone))
    except WhmkitError as e:
        module.fail_json(msg=e.message)
    records = []
    serial = None
    for item in as_list(res.data, 'payload'):
        if not isinstance(item, dict) or item.get('type') != 'record':
            continue
        name = to_text(base64.b64decode(item.get('dname_b64', '')))
        if not name.endswith('.'):
            name = '%s.%s.' % (name, zone)
        data = [to_text(base64.b64decode(x)) for x in item.get('data_b64') or []]
        if item.get('record_type') == 'SOA' and len(data) > 2:
            serial = data[2]
        records.append(dict(line_index=item.get('line_index'), name=name, ttl=item.get('ttl'),
                            type=item.get('record_type'), data=data))
    module.exit_json(changed=False, records=records, serial=serial)


if __name__ == '__main__':
    main()
