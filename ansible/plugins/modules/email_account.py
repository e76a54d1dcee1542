#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: email_account
short_description: Manage an email account (mailbox) of a cPanel account with whmkit
description:
  - Adds a mailbox with UAPI C(Email::add_pop), changes its quota (C(Email::edit_pop_quota)) and password
    (C(Email::passwd_pop)), removes it with C(Email::delete_pop); read with C(Email::list_pops_with_disk).
version_added: "0.1.0"
author:
  - whmkit contributors (@whmkit)
extends_documentation_fragment:
  - whmkit.cpanel.connection
options:
  user:
    description:
      - cPanel account that owns the mailbox.
    type: str
    required: true
  email:
    description:
      - Address of the mailbox, C(local@domain).
    type: str
    required: true
  password:
    description:
      - Password. Required to add the mailbox.
    type: str
  update_password:
    description:
      - C(always) sets the password on every run (always changed), C(on_create) only when the mailbox is added.
    type: str
    choices: [always, on_create]
    default: on_create
  quota:
    description:
      - Quota in MB, 0 for unlimited.
    type: int
  state:
    description:
      - Whether the mailbox exists.
    type: str
    choices: [present, absent]
    default: present
'''

EXAMPLES = r'''
- name: info@bob.example, 1 GB
  whmkit.cpanel.email_account:
    user: bob
    email: info@bob.example
    password: "{{ vault_info_password }}"
    quota: 1024
'''

RETURN = r'''
email_account:
  description: The mailbox as C(Email::list_pops_with_disk) reported it before the run.
  returned: when it existed
  type: dict
calls:
  description: The writing calls made (planned, in check mode), secrets masked.
  returned: always
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.whmkit.cpanel.plugins.module_utils.whmkit import Runner, argspec, as_list


def quota_mb(value):
    if value in (None, '', 'unlimited'):
        return 0
    try:
        return int(float(value))
    except ValueError:
        return value


def main():
    module = AnsibleModule(
        argument_spec=argspec(
            user=dict(type='str', required=True),
            email=dict(type='str', required=True),
            password=dict(type='str', no_log=True),
            update_password=dict(type='str', default='on_create', choices=['always', 'on_create'], no_log=False),
            quota=dict(type='int'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        supports_check_mode=True,
    )
    p = module.params
    r = Runner(module)
    user = p['user']
    address = p['email'].lower()
    if address.count('@') != 1:
        module.fail_json(msg='email must be local@domain')
    local, domain = address.split('@')
    rows = as_list(r.get_or_assume('the account %s' % user, 'uapi', 'list_pops_with_disk', user=user, module='Email'))
    row = next((x for x in rows if isinstance(x, dict) and str(x.get('login', x.get('email', ''))).lower() == address), None)
    ident = dict(email=local, domain=domain)
    r.before = dict(state='absent') if row is None else dict(state='present', quota=quota_mb(row.get('diskquota')))
    if p['state'] == 'absent':
        r.after = dict(state='absent')
        if row is not None:
            r.change('uapi', 'delete_pop', ident, user=user, module='Email')
        r.exit(email_account=row or {})
    r.after = dict(r.before, state='present')
    if row is None:
        if not p['password']:
            module.fail_json(msg='password is required to add the mailbox %s' % address)
        params = dict(ident, password=p['password'])
        if p['quota'] is not None:
            params['quota'] = p['quota'] if p['quota'] else 'unlimited'
        r.change('uapi', 'add_pop', params, user=user, module='Email')
        r.after['quota'] = p['quota']
    else:
        if p['quota'] is not None and quota_mb(row.get('diskquota')) != p['quota']:
            r.change('uapi', 'edit_pop_quota', dict(ident, quota=p['quota'] if p['quota'] else 'unlimited'),
                     user=user, module='Email')
            r.after['quota'] = p['quota']
        if p['password'] and p['update_password'] == 'always':
            r.change('uapi', 'passwd_pop', dict(ident, password=p['password']), user=user, module='Email')
    r.exit(email_account=row or {})


if __name__ == '__main__':
    main()
