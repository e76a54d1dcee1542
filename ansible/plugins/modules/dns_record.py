#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: dns_record
short_description: Manage DNS records with whmkit
description:
  - Adds, changes and removes records of a DNS zone, matched by name, type and data, in one
    C(mass_edit_dns_zone) call against the zone's current serial (read with C(parse_dns_zone)).
version_added: "0.1.0"
author:
  - whmkit contributors (@whmkit)
extends_documentation_fragment:
  - whmkit.cpanel.connection
options:
  zone:
    description:
      - Name of the zone.
    type: str
    required: true
  name:
    description:
      - Name of the record, relative to the zone (C(www)), C(@) for the zone itself, or absolute with a final dot.
    type: str
    required: true
  type:
    description:
      - Type of the record.
    type: str
    required: true
    choices: [A, AAAA, CAA, CNAME, MX, NS, PTR, SRV, TXT]
  value:
    description:
      - Data of the record as one text. For C(MX), C(SRV) and C(CAA) its fields are separated by spaces
        (C(10 mail.example.)); for C(TXT) it is the text itself.
      - With C(state=absent) and no value, every record of that name and type is removed.
    type: str
  ttl:
    description:
      - TTL of the record. Defaults to 14400 for a new record; an existing record's TTL is only changed when given.
    type: int
  exclusive:
    description:
      - With C(state=present), remove the other records of the same name and type.
    type: bool
    default: false
  state:
    description:
      - Whether the record exists.
    type: str
    choices: [present, absent]
    default: present
'''

EXAMPLES = r'''
- name: www points to the web server
  whmkit.cpanel.dns_record:
    zone: shop.example
    name: www
    type: A
    value: 192.0.2.10
    ttl: 300
    exclusive: true

- name: SPF
  whmkit.cpanel.dns_record:
    zone: shop.example
    name: "@"
    type: TXT
    value: v=spf1 mx -all
'''

RETURN = r'''
records:
  description: The records of that name and type before the run.
  returned: always
  type: list
  elements: dict
serial:
  description: The zone's serial before the run.
  returned: always
  type: str
calls:
  description: The writing calls made (planned, in check mode), secrets masked.
  returned: always
  type: list
  elements: dict
'''

import base64
import json

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_text
from ansible_collections.whmkit.cpanel.plugins.module_utils.whmkit import Runner, argspec, as_list


def fqdn(name, zone):
    name = name.strip().lower()
    if name in ('@', ''):
        return zone + '.'
    if name.endswith('.'):
        return name
    if name == zone or name.endswith('.' + zone):
        return name + '.'
    return '%s.%s.' % (name, zone)


def split_value(rtype, value):
    if rtype in ('MX', 'SRV'):
        return value.split()
    if rtype == 'CAA':
        return value.split(None, 2)
    return [value]


def same_data(rtype, a, b):
    if rtype in ('CNAME', 'NS', 'PTR', 'MX', 'SRV'):
        return [x.lower().rstrip('.') for x in a] == [x.lower().rstrip('.') for x in b]
    if rtype == 'AAAA':
        return [x.lower() for x in a] == [x.lower() for x in b]
    return a == b


def records(payload, zone):
    out = []
    for item in as_list(payload, 'payload'):
        if not isinstance(item, dict) or item.get('type') != 'record':
            continue
        dname = to_text(base64.b64decode(item.get('dname_b64', '')))
        out.append(dict(line_index=item.get('line_index'), name=fqdn(dname, zone), ttl=item.get('ttl'),
                        type=item.get('record_type'),
                        data=[to_text(base64.b64decode(x)) for x in item.get('data_b64') or []]))
    return out


def main():
    module = AnsibleModule(
        argument_spec=argspec(
            zone=dict(type='str', required=True),
            name=dict(type='str', required=True),
            type=dict(type='str', required=True, choices=['A', 'AAAA', 'CAA', 'CNAME', 'MX', 'NS', 'PTR', 'SRV', 'TXT']),
            value=dict(type='str'),
            ttl=dict(type='int'),
            exclusive=dict(type='bool', default=False),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        required_if=[('state', 'present', ['value'])],
        supports_check_mode=True,
    )
    p = module.params
    r = Runner(module)
    zone = p['zone'].lower().rstrip('.')
    rtype = p['type']
    name = fqdn(p['name'], zone)
    payload = r.get_or_assume('the zone %s' % zone, 'whmapi1', 'parse_dns_zone', dict(zone=zone))
    all_records = records(payload, zone)
    soa = [x for x in all_records if x['type'] == 'SOA']
    if not soa or len(soa[0]['data']) < 3:
        module.fail_json(msg='the zone %s has no SOA record' % zone)
    serial = soa[0]['data'][2]
    matching = [x for x in all_records if x['name'] == name and x['type'] == rtype]
    data = split_value(rtype, p['value']) if p['value'] is not None else None
    add, edit, remove = [], [], []
    if p['state'] == 'present':
        same = [x for x in matching if same_data(rtype, x['data'], data)]
        if same:
            keep = same[0]
            if p['ttl'] is not None and int(keep['ttl']) != p['ttl']:
                edit.append(dict(line_index=keep['line_index'], dname=name, ttl=p['ttl'], record_type=rtype, data=keep['data']))
            remove.extend(x['line_index'] for x in same[1:] if p['exclusive'])
        else:
            add.append(dict(dname=name, ttl=p['ttl'] if p['ttl'] is not None else 14400, record_type=rtype, data=data))
        if p['exclusive']:
            remove.extend(x['line_index'] for x in matching if not same_data(rtype, x['data'], data))
        after = [dict(name=name, type=rtype, data=data, ttl=p['ttl'] if p['ttl'] is not None else
                      (same[0]['ttl'] if same else 14400))]
        if not p['exclusive']:
            after = [dict(name=x['name'], type=rtype, data=x['data'], ttl=x['ttl'])
                     for x in matching if not same or x is not same[0]] + after
    else:
        doomed = [x for x in matching if data is None or same_data(rtype, x['data'], data)]
        remove.extend(x['line_index'] for x in doomed)
        after = [dict(name=x['name'], type=rtype, data=x['data'], ttl=x['ttl']) for x in matching if x not in doomed]
    r.before = dict(records=[dict(name=x['name'], type=rtype, data=x['data'], ttl=x['ttl']) for x in matching])
    r.after = dict(records=after)
    if add or edit or remove:
        params = dict(zone=zone, serial=serial)
        if add:
            params['add'] = [json.dumps(x, sort_keys=True) for x in add]
        if edit:
            params['edit'] = [json.dumps(x, sort_keys=True) for x in edit]
        if remove:
            params['remove'] = sorted(set(remove))
        r.change('whmapi1', 'mass_edit_dns_zone', params)
    r.exit(records=matching, serial=serial)


if __name__ == '__main__':
    main()
