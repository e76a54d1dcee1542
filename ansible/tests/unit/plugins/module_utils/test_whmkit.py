# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.whmkit.cpanel.plugins.module_utils import whmkit


class FakeModule:
    """Stands in for AnsibleModule: run_command answers from a table, in the order given."""

    def __init__(self, answers, params=None, check_mode=False):
        self.answers = list(answers)
        self.argvs = []
        self.params = dict(binary_dir='/opt/whmkit/bin', state_root='/tmp/root', api_url=None, api_token=None,
                           api_user='root', validate_certs=True, timeout=60)
        self.params.update(params or {})
        self.check_mode = check_mode
        self._diff = False
        self.exited = None
        self.failed = None

    def run_command(self, argv):
        self.argvs.append(argv)
        return self.answers.pop(0)

    def exit_json(self, **kwargs):
        self.exited = kwargs
        raise SystemExit(0)

    def fail_json(self, **kwargs):
        self.failed = kwargs
        raise SystemExit(1)


def whm(result=1, reason='OK', data=None, command='f'):
    return json.dumps(dict(data=data, metadata=dict(command=command, reason=reason, result=result, version=1)))


def check_line(changed=True, files=None, would_run=None):
    return json.dumps(dict(whmkit_check=dict(changed=changed, files=files or [], would_run=would_run or [])))


def test_build_argv_whmapi1_encodes_values():
    argv = whmkit.build_argv('whmapi1', 'createacct', dict(username='bob', password='a b%c/d=e'),
                             binary_dir='/bin', state_root='/r', check=True)
    assert argv == ['/bin/whmapi1', '--output=json', '--root=/r', '--check', 'createacct',
                    'password=a%20b%25c%2Fd%3De', 'username=bob']


def test_build_argv_uapi_lists_and_booleans():
    argv = whmkit.build_argv('uapi', 'add_ftp', dict(user='d', quota=0, flag=True, ip=['a', 'b']), user='bob', module='Ftp')
    assert argv == ['uapi', '--output=json', '--user=bob', 'Ftp', 'add_ftp', 'flag=1', 'ip=a', 'ip=b', 'quota=0', 'user=d']


def test_build_argv_needs_module_for_uapi():
    with pytest.raises(whmkit.WhmkitError):
        whmkit.build_argv('uapi', 'list_ftp')
    with pytest.raises(whmkit.WhmkitError):
        whmkit.build_argv('nope', 'x')


def test_interpret_envelopes():
    assert whmkit.interpret('whmapi1', json.loads(whm(data={'a': 1}))) == (True, {'a': 1}, 'OK')
    assert whmkit.interpret('whmapi1', json.loads(whm(result=0, reason='bad')))[0:3:2] == (False, 'bad')
    uapi = dict(result=dict(status=0, errors=['one', 'two'], data=None))
    assert whmkit.interpret('uapi', uapi) == (False, None, 'one; two')
    uapi_ok = dict(apiversion=3, result=dict(status=1, errors=None, data=[1]))
    assert whmkit.interpret('uapi', uapi_ok) == (True, [1], '')
    cp2 = dict(cpanelresult=dict(data=[dict(result=0, reason='nope')], event=dict(result=1)))
    assert whmkit.interpret('cpapi2', cp2) == (False, [dict(result=0, reason='nope')], 'nope')
    cp2_err = dict(cpanelresult=dict(error='Access denied', event=dict(result=0)))
    assert whmkit.interpret('cpapi2', cp2_err)[0] is False
    assert whmkit.interpret('whmapi1', 'text')[0] is False


def test_parse_check_report_takes_the_last_report_line():
    stderr = '\n'.join(['warning: something', check_line(False), 'not json {', check_line(True, [dict(
        path='var/cpanel/users/bob', action='write', diff='--- a\n+++ b\n')], ['reload apache2'])])
    report = whmkit.parse_check_report(stderr)
    assert report['changed'] is True
    assert report['files'][0]['path'] == 'var/cpanel/users/bob'
    assert report['would_run'] == ['reload apache2']
    assert whmkit.parse_check_report('{"other": 1}\nplain') is None
    text = whmkit.check_diff_text(report)
    assert '--- a' in text and 'would run: reload apache2' in text


def test_dict_changes_compares_as_text():
    current = dict(QUOTA=1000, quota=1000, maxftp='unlimited', cgi=1, f=1.0)
    assert whmkit.dict_changes(current, dict(quota='1000', maxftp='unlimited', cgi=True, f=1)) == {}
    assert whmkit.dict_changes(current, dict(quota=500, other=None)) == dict(quota=500)


def test_redact_masks_secrets():
    assert whmkit.redact(dict(password='x', user='bob', pass_=''), ('password',)) == dict(password='********', user='bob', pass_='')
    pem = '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n'
    assert whmkit.redact(dict(key=pem), ()) == dict(key='********')
    assert whmkit.redact(dict(key='maxemailsperhour'), ()) == dict(key='maxemailsperhour')


def test_client_call_cli_success_and_failure():
    module = FakeModule([(0, whm(data=dict(pkg='gold')), ''), (0, whm(result=0, reason='exists'), '')])
    client = whmkit.Client(module)
    res = client.call('whmapi1', 'addpkg', dict(name='gold'))
    assert res.ok and res.data == dict(pkg='gold')
    assert module.argvs[0][:3] == ['/opt/whmkit/bin/whmapi1', '--output=json', '--root=/tmp/root']
    with pytest.raises(whmkit.WhmkitError) as e:
        client.call('whmapi1', 'addpkg', dict(name='gold'))
    assert 'exists' in e.value.message


def test_client_call_cli_bad_exit_and_bad_json():
    client = whmkit.Client(FakeModule([(2, '', 'Unknown function'), (0, 'not json', '')]))
    with pytest.raises(whmkit.WhmkitError) as e:
        client.call('whmapi1', 'nope')
    assert 'exited with 2' in e.value.message
    with pytest.raises(whmkit.WhmkitError):
        client.call('whmapi1', 'version')


def test_client_check_call_reads_the_report():
    module = FakeModule([(0, whm(), 'note\n' + check_line(True, [dict(path='etc/x', action='write', diff='d')]))])
    res = whmkit.Client(module).call('whmapi1', 'set_tweaksetting', dict(key='k', value='v'), check=True)
    assert '--check' in module.argvs[0]
    assert res.check['changed'] is True and res.check['files'][0]['path'] == 'etc/x'


def test_client_writes_from_help():
    module = FakeModule([(0, 'createacct - x\nStatus: implemented by whmkit (may change the state)\n', ''),
                         (0, 'listaccts\nStatus: implemented by whmkit (reads the state only)\n', ''),
                         (2, '', 'unknown')])
    client = whmkit.Client(module)
    assert client.writes('whmapi1', 'createacct') is True
    assert client.writes('whmapi1', 'listaccts') is False
    assert client.writes('uapi', 'x', 'Y') is None
    assert module.argvs[2] == ['/opt/whmkit/bin/uapi', 'help', 'Y', 'x']


def test_supports_check():
    assert whmkit.Client(FakeModule([(0, whm(), check_line(False))])).supports_check() is True
    assert whmkit.Client(FakeModule([(0, whm(), '')])).supports_check() is True
    assert whmkit.Client(FakeModule([(2, '', 'unknown option --check')])).supports_check() is False


def run_generic(answers, check_mode=False, **params):
    p = dict(function='set_tweaksetting', params=dict(key='k', value='v'), user=None, writes=None, fail_on_error=True)
    p.update(params)
    module = FakeModule(answers, p, check_mode)
    with pytest.raises(SystemExit):
        whmkit.run_generic(module, 'whmapi1')
    return module


def test_generic_unchanged_write_is_not_made():
    help_out = (0, 'Status: implemented by whmkit (may change the state)\n', '')
    module = run_generic([help_out, (0, whm(), check_line(False)), (0, whm(), check_line(False))])
    assert module.exited['changed'] is False
    assert len(module.argvs) == 3  # help, probe, dry run: no real call


def test_generic_changed_write_is_made_after_the_dry_run():
    help_out = (0, 'Status: implemented by whmkit (may change the state)\n', '')
    module = run_generic([help_out, (0, whm(), check_line(False)), (0, whm(), check_line(True)), (0, whm(data=1), '')])
    assert module.exited['changed'] is True and module.exited['data'] == 1
    assert '--check' not in module.argvs[3]


def test_generic_check_mode_only_dry_runs():
    help_out = (0, 'Status: implemented by whmkit (may change the state)\n', '')
    module = run_generic([help_out, (0, whm(), check_line(False)),
                          (0, whm(), check_line(True, [dict(path='p', action='write', diff='x')]))], check_mode=True)
    assert module.exited['changed'] is True and module.exited['check']['files'][0]['path'] == 'p'
    assert len(module.argvs) == 3


def test_generic_read_and_failure():
    module = run_generic([(0, whm(data=[1]), '')], writes=False, function='listaccts')
    assert module.exited['changed'] is False and module.exited['data'] == [1]
    module = run_generic([(0, whm(result=0, reason='no such user'), '')], writes=False, function='accountsummary')
    assert 'no such user' in module.failed['msg']
    module = run_generic([(0, whm(result=0, reason='no'), '')], writes=False, fail_on_error=False)
    assert module.exited['ok'] is False


def test_generic_without_dry_run_support():
    module = run_generic([(2, '', 'unknown option'), (0, whm(), '')], writes=True)
    assert module.exited['changed'] is True
    module = run_generic([(2, '', 'unknown option')], writes=True, check_mode=True)
    assert module.exited['changed'] is True and module.exited['skipped'] is True


def test_http_call_whmapi1(monkeypatch):
    seen = {}

    class Resp:
        def read(self):
            return whm(data=dict(version='0.1.0')).encode()

    def fake_open_url(url, data=None, headers=None, method=None, validate_certs=None, timeout=None):
        seen.update(url=url, data=data, headers=headers, method=method)
        return Resp()

    import ansible.module_utils.urls
    monkeypatch.setattr(ansible.module_utils.urls, 'open_url', fake_open_url)
    module = FakeModule([], dict(api_url='https://h:2087/', api_token='TOK', binary_dir=None, state_root=None))
    res = whmkit.Client(module).call('whmapi1', 'version', dict(a='x y'))
    assert res.data == dict(version='0.1.0')
    assert seen['url'] == 'https://h:2087/json-api/version?api.version=1'
    assert seen['headers']['Authorization'] == 'whm root:TOK'
    assert seen['data'] == 'a=x+y'
    with pytest.raises(whmkit.WhmkitError):
        whmkit.Client(module).call('whmapi1', 'version', check=True)


def test_http_call_uapi_wrapped(monkeypatch):
    seen = {}

    class Resp:
        def read(self):
            return json.dumps(dict(data=dict(uapi=dict(status=1, data=[dict(login='d@x')], errors=None)),
                                   metadata=dict(command='cpanel', result=1, reason='OK', version=1))).encode()

    def fake_open_url(url, **kwargs):
        seen['url'] = url
        return Resp()

    import ansible.module_utils.urls
    monkeypatch.setattr(ansible.module_utils.urls, 'open_url', fake_open_url)
    module = FakeModule([], dict(api_url='https://h:2087', api_token='TOK'))
    res = whmkit.Client(module).call('uapi', 'list_ftp', user='bob', module='Ftp')
    assert res.ok and res.data == [dict(login='d@x')]
    assert 'cpanel_jsonapi_user=bob' in seen['url'] and 'cpanel_jsonapi_apiversion=3' in seen['url']


def test_http_call_cpapi2_wrapped_and_failure(monkeypatch):
    answers = [dict(data=dict(cpanelresult=dict(apiversion=2, data=[dict(user='bob')], event=dict(result=1))),
                    metadata=dict(command='cpanel', result=1, reason='OK', version=1)),
               dict(metadata=dict(command='cpanel', result=0, reason='Access denied', version=1))]

    class Resp:
        def read(self):
            return json.dumps(answers.pop(0)).encode()

    import ansible.module_utils.urls
    monkeypatch.setattr(ansible.module_utils.urls, 'open_url', lambda url, **kwargs: Resp())
    client = whmkit.Client(FakeModule([], dict(api_url='https://h:2087', api_token='TOK')))
    res = client.call('cpapi2', 'listftp', user='bob', module='Ftp')
    assert res.ok and res.data == [dict(user='bob')]
    with pytest.raises(whmkit.WhmkitError) as e:
        client.call('cpapi2', 'listftp', user='bob', module='Ftp')
    assert 'Access denied' in e.value.message
