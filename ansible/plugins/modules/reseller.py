#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: reseller
short_description: Manage a reseller with whmkit
description:
  - Makes an existing cPanel account a reseller (C(setupreseller)) or an ordinary account again (C(unsetupreseller)),
    sets its privileges (C(setacls)) and its account limit (C(setresellerlimits)).
  - The privileges are read with C(myprivs) run as the reseller, which needs the command-line connection.
version_added: "0.1.0"
author:
  - whmkit contributors (@whmkit)
extends_documentation_fragment:
  - whmkit.cpanel.connection
options:
  user:
    description:
      - The account.
    type: str
    required: true
    aliases: [name]
  state:
    description:
      - Whether the account is a reseller.
    type: str
    choices: [present, absent]
    default: present
  make_owner:
    description:
      - When the account becomes a reseller, make it the owner of its own account.
    type: bool
    default: false
  acls:
    description:
      - The reseller's privileges (without the C(acl-) prefix), for example C(create-acct), C(list-accts).
        Exactly these are granted; others are taken away. Not given, the privileges are left alone.
    type: list
    elements: str
  account_limit:
    description:
      - Most accounts the reseller may create, or C(unlimited).
    type: str
'''

EXAMPLES = r'''
- name: carol resells up to 20 accounts
  whmkit.cpanel.reseller:
    user: carol
    acls: [create-acct, list-accts, suspend-acct, kill-acct, acct-summary]
    account_limit: "20"
'''

RETURN = r'''
acls:
  description: The privileges the reseller had before the run.
  returned: when it was a reseller
  type: list
  elements: str
calls:
  description: The writing calls made (planned, in check mode), secrets masked.
  returned: always
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.whmkit.cpanel.plugins.module_utils.whmkit import Runner, argspec, as_list, norm


def privileges(runner, user):
    data = runner.get('whmapi1', 'myprivs', user=user)
    privs = as_list(data, 'privileges')
    if not privs or not isinstance(privs[0], dict):
        return []
    return sorted(k for k, v in privs[0].items() if norm(v) == '1')


def main():
    module = AnsibleModule(
        argument_spec=argspec(
            user=dict(type='str', required=True, aliases=['name']),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            make_owner=dict(type='bool', default=False),
            acls=dict(type='list', elements='str'),
            account_limit=dict(type='str'),
        ),
        supports_check_mode=True,
    )
    p = module.params
    r = Runner(module)
    user = p['user']
    resellers = as_list(r.get('whmapi1', 'listresellers'), 'reseller')
    exists = user in resellers
    if p['acls'] is not None and r.client.uses_http:
        module.fail_json(msg='acls needs the command-line connection (myprivs runs as the reseller)')
    acls = privileges(r, user) if exists and p['acls'] is not None else []
    limit = None
    if exists and p['account_limit'] is not None:
        counts = r.get('whmapi1', 'acctcounts', dict(user=user)) or {}
        limit = norm((counts.get('reseller') or {}).get('limit'))
    r.before = dict(state='present' if exists else 'absent')
    if exists and p['acls'] is not None:
        r.before['acls'] = acls
    if limit is not None:
        r.before['account_limit'] = limit
    if p['state'] == 'absent':
        r.after = dict(state='absent')
        if exists:
            r.change('whmapi1', 'unsetupreseller', dict(user=user))
        r.exit()
    r.after = dict(state='present')
    if not exists:
        r.change('whmapi1', 'setupreseller', dict(user=user, makeowner=1 if p['make_owner'] else 0))
    if p['acls'] is not None:
        wanted = sorted(set(a[4:] if a.startswith('acl-') else a for a in p['acls']))
        r.after['acls'] = wanted
        if wanted != acls:
            params = dict(('acl-%s' % a, 1) for a in wanted)
            params['reseller'] = user
            r.change('whmapi1', 'setacls', params)
    if p['account_limit'] is not None:
        r.after['account_limit'] = p['account_limit']
        if norm(p['account_limit']) != limit:
            if p['account_limit'] == 'unlimited':
                params = dict(user=user, enable_account_limit=0)
            else:
                params = dict(user=user, enable_account_limit=1, account_limit=p['account_limit'])
            r.change('whmapi1', 'setresellerlimits', params)
    r.exit(acls=acls)


if __name__ == '__main__':
    main()
