#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: api_token
short_description: Manage a WHM API token with whmkit
description:
  - Creates a WHM API token of the calling user with C(api_token_create), sets its privileges with
    C(api_token_update), revokes it with C(api_token_revoke); read with C(api_token_list).
  - The token's secret is only returned by the run that creates it.
version_added: "0.1.0"
author:
  - whmkit contributors (@whmkit)
extends_documentation_fragment:
  - whmkit.cpanel.connection
options:
  name:
    description:
      - Name of the token.
    type: str
    required: true
  acls:
    description:
      - Privileges of the token, for example C(list-accts). Exactly these; not given, a new token gets C(all)
        and an existing token keeps its own.
    type: list
    elements: str
  user:
    description:
      - WHM user (root or a reseller) whose token it is.
    type: str
  state:
    description:
      - Whether the token exists.
    type: str
    choices: [present, absent]
    default: present
'''

EXAMPLES = r'''
- name: A token for the monitoring
  whmkit.cpanel.api_token:
    name: monitoring
    acls: [list-accts, acct-summary]
  register: token

- name: Keep the secret
  ansible.builtin.copy:
    content: "{{ token.token }}"
    dest: /root/.monitoring-token
    mode: "0600"
  when: token.token is defined
'''

RETURN = r'''
token:
  description: The secret of the new token.
  returned: when the token was created
  type: str
acls:
  description: The token's privileges before the run.
  returned: when it existed
  type: list
  elements: str
calls:
  description: The writing calls made (planned, in check mode), secrets masked.
  returned: always
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.whmkit.cpanel.plugins.module_utils.whmkit import Runner, argspec, norm


def main():
    module = AnsibleModule(
        argument_spec=argspec(
            name=dict(type='str', required=True),
            acls=dict(type='list', elements='str'),
            user=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        supports_check_mode=True,
    )
    p = module.params
    r = Runner(module)
    name = p['name']
    data = r.get('whmapi1', 'api_token_list', user=p['user']) or {}
    tokens = data.get('tokens') or {}
    token = tokens.get(name) if isinstance(tokens, dict) else None
    acls = None
    if token is not None:
        raw = token.get('acls') or {}
        acls = sorted(k for k, v in raw.items() if norm(v) == '1') if isinstance(raw, dict) else sorted(raw)
    r.before = dict(state='absent') if token is None else dict(state='present', acls=acls)
    out = {}
    if p['state'] == 'absent':
        r.after = dict(state='absent')
        if token is not None:
            r.change('whmapi1', 'api_token_revoke', dict(token_name=name), user=p['user'])
        r.exit(acls=acls)
    wanted = sorted(set(p['acls'])) if p['acls'] is not None else None
    r.after = dict(state='present', acls=wanted if wanted is not None else (acls or ['all']))
    if token is None:
        res = r.change('whmapi1', 'api_token_create', dict(token_name=name, acl=wanted or ['all']), user=p['user'])
        if res is not None and isinstance(res.data, dict) and res.data.get('token'):
            out['token'] = res.data['token']
    elif wanted is not None and wanted != acls:
        r.change('whmapi1', 'api_token_update', dict(token_name=name, acl=wanted), user=p['user'])
    r.exit(acls=acls, **out)


if __name__ == '__main__':
    main()
