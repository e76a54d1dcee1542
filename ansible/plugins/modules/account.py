#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: account
short_description: Manage a cPanel account with whmkit
description:
  - Creates, changes, suspends, unsuspends and removes a cPanel account, changing only what differs
    (C(createacct), C(changepackage), C(modifyacct), C(editquota), C(suspendacct), C(unsuspendacct), C(removeacct)).
version_added: "0.1.0"
author:
  - whmkit contributors (@whmkit)
extends_documentation_fragment:
  - whmkit.cpanel.connection
options:
  name:
    description:
      - User name of the account.
    type: str
    required: true
    aliases: [user, username]
  state:
    description:
      - C(present) makes sure the account exists and is not suspended, C(suspended) that it exists and is
        suspended, C(absent) that it does not exist.
    type: str
    choices: [present, absent, suspended]
    default: present
  domain:
    description:
      - Main domain of the account. Required to create it; a different value renames the main domain.
    type: str
  plan:
    description:
      - Hosting plan (package) of the account.
    type: str
    aliases: [package]
  password:
    description:
      - Password of the account. Only used when the account is created.
    type: str
  contact_email:
    description:
      - Contact email address of the account.
    type: str
  owner:
    description:
      - Owner of the account (root or a reseller).
    type: str
  quota:
    description:
      - Disk quota in MB, or C(unlimited).
    type: str
  suspend_reason:
    description:
      - Reason recorded when the account is suspended.
    type: str
  keep_dns:
    description:
      - With C(state=absent), keep the account's DNS zones.
    type: bool
    default: false
  create_params:
    description:
      - Further C(createacct) parameters, used when the account is created.
    type: dict
    default: {}
'''

EXAMPLES = r'''
- name: An account on the gold plan
  whmkit.cpanel.account:
    name: bob
    domain: bob.example
    plan: gold
    contact_email: bob@mail.example
    password: "{{ vault_bob_password }}"

- name: Suspend it
  whmkit.cpanel.account:
    name: bob
    state: suspended
    suspend_reason: Unpaid invoice

- name: Remove it
  whmkit.cpanel.account:
    name: bob
    state: absent
'''

RETURN = r'''
account:
  description: The account as C(accountsummary) reports it after the run (before it in check mode).
  returned: when the account exists
  type: dict
calls:
  description: The writing calls made (planned, in check mode), secrets masked.
  returned: always
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.whmkit.cpanel.plugins.module_utils.whmkit import Runner, argspec, as_list, norm


def summary(runner, name):
    res = runner.read('whmapi1', 'accountsummary', dict(user=name))
    if not res.ok:
        return None
    accts = as_list(res.data, 'acct')
    return accts[0] if accts else None


def view(acct):
    if acct is None:
        return dict(state='absent')
    quota = acct.get('disklimit', '')
    if quota.endswith('M'):
        quota = quota[:-1]
    return dict(state='suspended' if norm(acct.get('suspended')) == '1' else 'present',
                domain=acct.get('domain'), plan=acct.get('plan'), contact_email='' if acct.get('email') in (None, '*unknown*') else acct.get('email'),
                owner=acct.get('owner'), quota=quota, suspend_reason=acct.get('suspendreason')
                if norm(acct.get('suspended')) == '1' else None)


def main():
    module = AnsibleModule(
        argument_spec=argspec(
            name=dict(type='str', required=True, aliases=['user', 'username']),
            state=dict(type='str', default='present', choices=['present', 'absent', 'suspended']),
            domain=dict(type='str'),
            plan=dict(type='str', aliases=['package']),
            password=dict(type='str', no_log=True),
            contact_email=dict(type='str'),
            owner=dict(type='str'),
            quota=dict(type='str'),
            suspend_reason=dict(type='str'),
            keep_dns=dict(type='bool', default=False),
            create_params=dict(type='dict', default={}),
        ),
        supports_check_mode=True,
    )
    p = module.params
    r = Runner(module)
    name = p['name']
    acct = summary(r, name)
    r.before = view(acct)
    want = dict(state=p['state'])
    for key in ('domain', 'plan', 'contact_email', 'owner', 'quota'):
        if p[key] is not None:
            want[key] = p[key]

    if p['state'] == 'absent':
        r.after = dict(state='absent')
        if acct is not None:
            r.change('whmapi1', 'removeacct', dict(user=name, keepdns=1 if p['keep_dns'] else 0))
        r.exit()

    current = dict(r.before)
    if acct is None:
        if not p['domain']:
            module.fail_json(msg='domain is required to create the account %s' % name)
        params = dict(p['create_params'])
        params.update(username=name, domain=p['domain'])
        if p['plan'] is not None:
            params['plan'] = p['plan']
        if p['password'] is not None:
            params['password'] = p['password']
        if p['contact_email'] is not None:
            params['contactemail'] = p['contact_email']
        if p['owner'] is not None:
            params['owner'] = p['owner']
        if p['quota'] is not None:
            params['quota'] = p['quota']
        r.change('whmapi1', 'createacct', params)
        current = dict(state='present', domain=p['domain'], plan=p['plan'], contact_email=p['contact_email'],
                       owner=p['owner'], quota=p['quota'])
    else:
        if p['domain'] is not None and p['domain'] != current['domain']:
            r.change('whmapi1', 'modifyacct', dict(user=name, DNS=p['domain']))
        if p['plan'] is not None and p['plan'] != current['plan']:
            r.change('whmapi1', 'changepackage', dict(user=name, pkg=p['plan']))
            current['plan'] = p['plan']
        if p['contact_email'] is not None and p['contact_email'] != current['contact_email']:
            r.change('whmapi1', 'modifyacct', dict(user=name, contactemail=p['contact_email']))
        if p['owner'] is not None and p['owner'] != current['owner']:
            r.change('whmapi1', 'modifyacct', dict(user=name, owner=p['owner']))
        if p['quota'] is not None and norm(p['quota']) != norm(current['quota']):
            quota = p['quota']
            r.change('whmapi1', 'editquota', dict(user=name, quota=0 if quota == 'unlimited' else quota))

    if p['state'] == 'suspended' and current['state'] != 'suspended':
        params = dict(user=name)
        if p['suspend_reason']:
            params['reason'] = p['suspend_reason']
        r.change('whmapi1', 'suspendacct', params)
    elif p['state'] == 'present' and current['state'] == 'suspended':
        r.change('whmapi1', 'unsuspendacct', dict(user=name))

    after = dict(r.before)
    after.update(want)
    after['suspend_reason'] = p['suspend_reason'] if p['state'] == 'suspended' else None
    if p['state'] == 'suspended' and current['state'] == 'suspended':
        after['suspend_reason'] = r.before.get('suspend_reason')
    r.after = after
    final = acct if module.check_mode or not r.changed else summary(r, name)
    r.exit(account=final or {})


if __name__ == '__main__':
    main()
