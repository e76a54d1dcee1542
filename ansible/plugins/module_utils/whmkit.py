# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared code of the whmkit.cpanel modules.

Runs one whmkit call, either with the command-line programs on the managed host
(whmapi1, uapi, cpapi2 with --output=json) or over HTTPS against whmkitd with an
API token, and turns the answer into a CallResult: the envelope, its data, and
whether the call succeeded. Also parses the dry-run report of --check and builds
Ansible's diff dictionaries.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ansible.module_utils.six.moves.urllib.parse import quote, urlencode

APIS = ('whmapi1', 'uapi', 'cpapi2')

CONNECTION_ARGSPEC = dict(
    binary_dir=dict(type='path'),
    state_root=dict(type='path'),
    api_url=dict(type='str'),
    api_token=dict(type='str', no_log=True),
    api_user=dict(type='str', default='root'),
    validate_certs=dict(type='bool', default=True),
    timeout=dict(type='int', default=60),
)


class WhmkitError(Exception):
    """A call that could not be made, or that the API answered with a failure."""

    def __init__(self, message, result=None):
        super(WhmkitError, self).__init__(message)
        self.message = message
        self.result = result


def argspec(**options):
    """The connection options merged with a module's own options."""
    spec = dict(CONNECTION_ARGSPEC)
    spec.update(options)
    return spec


def cli_value(value):
    """One parameter value as the command line takes it (URI-encoded, so any byte is safe)."""
    if isinstance(value, bool):
        value = 1 if value else 0
    if value is None:
        value = ''
    return quote(str(value), safe='')


def http_value(value):
    """One parameter value as a form field."""
    if isinstance(value, bool):
        return '1' if value else '0'
    return '' if value is None else str(value)


def flatten_params(params):
    """A dict of parameters as a list of (key, value) pairs; list values repeat the key."""
    pairs = []
    for key in sorted(params or {}):
        value = params[key]
        if isinstance(value, (list, tuple)):
            for item in value:
                pairs.append((key, item))
        elif isinstance(value, dict):
            pairs.append((key, json.dumps(value, sort_keys=True)))
        else:
            pairs.append((key, value))
    return pairs


def build_argv(api, function, params=None, user=None, module=None, binary_dir=None, state_root=None, check=False):
    """The argv of one CLI call."""
    if api not in APIS:
        raise WhmkitError('unknown API %s' % api)
    program = os.path.join(binary_dir, api) if binary_dir else api
    argv = [program, '--output=json']
    if state_root:
        argv.append('--root=%s' % state_root)
    if user:
        argv.append('--user=%s' % user)
    if check:
        argv.append('--check')
    if api != 'whmapi1':
        if not module:
            raise WhmkitError('%s needs a module name' % api)
        argv.append(module)
    argv.append(function)
    for key, value in flatten_params(params):
        argv.append('%s=%s' % (key, cli_value(value)))
    return argv


def parse_check_report(stderr):
    """The dry-run report of --check: the last stderr line that is a JSON object with whmkit_check."""
    report = None
    for line in (stderr or '').splitlines():
        line = line.strip()
        if not line.startswith('{'):
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict) and isinstance(obj.get('whmkit_check'), dict):
            report = obj['whmkit_check']
    if report is None:
        return None
    return dict(
        changed=bool(report.get('changed')),
        files=list(report.get('files') or []),
        would_run=list(report.get('would_run') or []),
    )


def check_diff_text(report):
    """The unified diffs of a dry-run report joined into one text (Ansible's diff 'prepared')."""
    parts = []
    for entry in (report or {}).get('files', []):
        text = entry.get('diff') or ''
        if not text:
            text = '%s %s\n' % (entry.get('action', 'write'), entry.get('path', '?'))
        if not text.endswith('\n'):
            text += '\n'
        parts.append(text)
    for action in (report or {}).get('would_run', []):
        parts.append('would run: %s\n' % action)
    return ''.join(parts)


class CallResult:
    """One answered call."""

    def __init__(self, api, function, envelope, module=None, check=None):
        self.api = api
        self.function = function
        self.module = module
        self.envelope = envelope
        self.check = check
        self.ok, self.data, self.reason = interpret(api, envelope)

    def as_dict(self):
        out = dict(api=self.api, function=self.function, ok=self.ok, reason=self.reason, data=self.data)
        if self.module:
            out['module'] = self.module
        return out


def interpret(api, envelope):
    """(ok, data, reason) of an envelope of whmapi1, uapi or cpapi2."""
    if not isinstance(envelope, dict):
        return False, None, 'the answer is not a JSON object'
    if api == 'whmapi1':
        meta = envelope.get('metadata') or {}
        ok = str(meta.get('result', 0)) == '1'
        return ok, envelope.get('data'), meta.get('reason') or ''
    if api == 'uapi':
        result = envelope.get('result', envelope)
        if not isinstance(result, dict):
            return False, None, 'no result object'
        ok = str(result.get('status', 0)) == '1'
        errors = result.get('errors') or []
        if isinstance(errors, list):
            reason = '; '.join(str(e) for e in errors)
        else:
            reason = str(errors)
        return ok, result.get('data'), reason
    if api == 'cpapi2':
        res = envelope.get('cpanelresult', envelope)
        if not isinstance(res, dict):
            return False, None, 'no cpanelresult object'
        event = res.get('event') or {}
        ok = str(event.get('result', 1 if 'error' not in res else 0)) == '1' and not res.get('error')
        data = res.get('data')
        reason = res.get('error') or ''
        if not reason and isinstance(data, list) and data and isinstance(data[0], dict):
            if str(data[0].get('result', data[0].get('status', 1))) == '0':
                ok = False
                reason = str(data[0].get('reason') or data[0].get('statusmsg') or '')
        return ok, data, reason
    return False, None, 'unknown API %s' % api


def redact(params, secrets):
    """A copy of params with the named secret values masked (for the calls list in a result)."""
    out = {}
    for key, value in (params or {}).items():
        secret = key in secrets or (isinstance(value, str) and 'PRIVATE KEY-----' in value)
        out[key] = '********' if secret and value not in (None, '') else value
    return out


class Client:
    """Makes whmkit calls for a module, through the CLI or whmkitd."""

    SECRET_KEYS = ('password', 'pass', 'newpass', 'passwd')

    def __init__(self, module):
        self.module = module
        p = module.params
        self.binary_dir = p.get('binary_dir')
        self.state_root = p.get('state_root')
        self.api_url = p.get('api_url')
        self.api_token = p.get('api_token')
        self.api_user = p.get('api_user') or 'root'
        self.validate_certs = p.get('validate_certs', True)
        self.timeout = p.get('timeout') or 60
        self.calls = []
        self._check_supported = None
        if self.api_url and not self.api_token:
            module.fail_json(msg='api_url needs api_token')

    @property
    def uses_http(self):
        return bool(self.api_url)

    def call(self, api, function, params=None, user=None, module=None, check=False, fail=True):
        """Makes one call. With fail (the default) a failed call raises WhmkitError."""
        self.calls.append(dict(api=api, function=function, module=module, user=user,
                               params=redact(params, self.SECRET_KEYS), check=bool(check)))
        if self.uses_http:
            if check:
                raise WhmkitError('--check is not available over whmkitd')
            result = self._call_http(api, function, params, user, module)
        else:
            result = self._call_cli(api, function, params, user, module, check)
        if fail and not result.ok:
            raise WhmkitError('%s %s failed: %s' % (api, ' '.join(x for x in (module, function) if x), result.reason),
                              result=result)
        return result

    def read(self, api, function, params=None, user=None, module=None):
        """A reading call that may fail (the caller looks at result.ok)."""
        return self.call(api, function, params, user, module, fail=False)

    def supports_check(self):
        """Whether the CLI on the host knows --check (False over whmkitd)."""
        if self.uses_http:
            return False
        if self._check_supported is None:
            argv = build_argv('whmapi1', 'version', binary_dir=self.binary_dir, state_root=self.state_root, check=True)
            rc, out, err = self.module.run_command(argv)
            # a CLI without --check refuses the option (exit 2, a bad command line)
            self._check_supported = rc == 0
        return self._check_supported

    def writes(self, api, function, module=None):
        """Whether a function may change the state, from the CLI's help ('may change the state')."""
        if self.uses_http:
            return None
        program = os.path.join(self.binary_dir, api) if self.binary_dir else api
        argv = [program, 'help'] + ([module] if module else []) + [function]
        rc, out, err = self.module.run_command(argv)
        if rc != 0:
            return None
        for line in out.splitlines():
            if line.startswith('Status:'):
                if 'may change the state' in line:
                    return True
                if 'reads the state only' in line:
                    return False
        return None

    def _call_cli(self, api, function, params, user, module, check):
        argv = build_argv(api, function, params, user, module, self.binary_dir, self.state_root, check)
        rc, out, err = self.module.run_command(argv)
        if rc != 0:
            raise WhmkitError('%s exited with %d: %s' % (os.path.basename(argv[0]), rc, (err or out).strip()))
        try:
            envelope = json.loads(out)
        except ValueError:
            raise WhmkitError('%s printed no JSON envelope: %s' % (os.path.basename(argv[0]), out[:200]))
        report = parse_check_report(err) if check else None
        if check and report is None:
            raise WhmkitError('%s printed no whmkit_check report for --check' % os.path.basename(argv[0]))
        return CallResult(api, function, envelope, module, report)

    def _call_http(self, api, function, params, user, module):
        from ansible.module_utils.urls import open_url

        base = self.api_url.rstrip('/')
        pairs = [(k, http_value(v)) for k, v in flatten_params(params)]
        if api == 'whmapi1':
            url = '%s/json-api/%s?api.version=1' % (base, quote(function, safe=''))
        else:
            query = [('cpanel_jsonapi_module', module), ('cpanel_jsonapi_func', function),
                     ('cpanel_jsonapi_apiversion', '3' if api == 'uapi' else '2')]
            if user:
                query.append(('cpanel_jsonapi_user', user))
            url = '%s/json-api/cpanel?api.version=1&%s' % (base, urlencode(query))
        headers = {'Authorization': 'whm %s:%s' % (self.api_user, self.api_token),
                   'Content-Type': 'application/x-www-form-urlencoded'}
        if user and api == 'whmapi1' and user != self.api_user:
            raise WhmkitError('over whmkitd, WHM API 1 calls run as the token owner %s' % self.api_user)
        try:
            resp = open_url(url, data=urlencode(pairs), headers=headers, method='POST',
                            validate_certs=self.validate_certs, timeout=self.timeout)
            body = resp.read()
        except Exception as e:  # pylint: disable=broad-except
            raise WhmkitError('request to %s failed: %s' % (base, e))
        try:
            envelope = json.loads(body)
        except ValueError:
            raise WhmkitError('whmkitd answered no JSON: %r' % body[:200])
        if api != 'whmapi1':
            # /json-api/cpanel with api.version=1 wraps the inner answer in a WHM API 1 envelope,
            # as `whmapi1 cpanel` prints it: data.uapi is UAPI's result, data.cpanelresult cPanel API 2's answer
            inner = envelope.get('data') if isinstance(envelope, dict) else None
            if api == 'uapi' and isinstance(inner, dict) and isinstance(inner.get('uapi'), dict):
                envelope = dict(result=inner['uapi'])
            elif api == 'cpapi2' and isinstance(inner, dict) and isinstance(inner.get('cpanelresult'), dict):
                envelope = dict(cpanelresult=inner['cpanelresult'])
            else:
                meta = envelope.get('metadata') if isinstance(envelope, dict) else None
                raise WhmkitError('whmkitd answered no %s result: %s' % (api, (meta or {}).get('reason', 'no data')))
        return CallResult(api, function, envelope, module)


def as_list(data, key=None):
    """data[key] (or data) as a list: the reading functions answer a list, a dict or nothing."""
    if key is not None and isinstance(data, dict):
        data = data.get(key)
    if data is None:
        return []
    if isinstance(data, list):
        return data
    return [data]


def norm(value):
    """A value as the comparison sees it: booleans 1/0, numbers and strings as text."""
    if isinstance(value, bool):
        return '1' if value else '0'
    if value is None:
        return ''
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return str(value)


def dict_changes(current, wanted):
    """The keys of wanted whose value differs from current (compared as text)."""
    changes = {}
    for key, value in (wanted or {}).items():
        if value is None:
            continue
        if norm(current.get(key)) != norm(value):
            changes[key] = value
    return changes


class Runner:
    """The frame of a declarative module: a client, the planned calls, check mode and the diff."""

    def __init__(self, module):
        self.module = module
        self.client = Client(module)
        self.changed = False
        self.before = {}
        self.after = {}
        self.planned = []

    def read(self, api, function, params=None, user=None, module=None):
        try:
            return self.client.read(api, function, params, user, module)
        except WhmkitError as e:
            self.fail(e)

    def get(self, api, function, params=None, user=None, module=None):
        """A reading call that must succeed; returns its data."""
        try:
            return self.client.call(api, function, params, user, module).data
        except WhmkitError as e:
            self.fail(e)

    def get_or_assume(self, what, api, function, params=None, user=None, module=None):
        """A reading call that must succeed, except in check mode, where a failure means that what it reads
        (an account, a zone) does not exist yet because an earlier task only pretended to create it:
        the module then reports the change it would make and stops."""
        try:
            res = self.client.call(api, function, params, user, module, fail=False)
        except WhmkitError as e:
            self.fail(e)
        if res.ok:
            return res.data
        if self.module.params.get('state') == 'absent' and not self._owner_exists(api, params, user):
            # the account (or zone) that would hold it is gone, so it is gone too
            self.module.exit_json(changed=False, calls=self.planned, msg='%s does not exist' % what)
        if self.module.check_mode:
            self.changed = True
            self.module.exit_json(changed=True, calls=self.planned,
                                  msg='check mode: %s does not exist yet (%s)' % (what, res.reason))
        self.fail(WhmkitError('%s %s failed: %s' % (api, ' '.join(x for x in (module, function) if x), res.reason),
                              result=res))

    def _owner_exists(self, api, params, user):
        """Whether the account (UAPI calls) or the zone (WHM API 1 zone calls) a failed read was about exists."""
        try:
            if api in ('uapi', 'cpapi2') and user:
                return self.client.call('whmapi1', 'accountsummary', dict(user=user), fail=False).ok
            if params and params.get('zone'):
                zones = as_list(self.client.call('whmapi1', 'listzones').data, 'zone')
                return params['zone'] in [z.get('domain') for z in zones if isinstance(z, dict)]
        except WhmkitError:
            return True
        return True

    def change(self, api, function, params=None, user=None, module=None):
        """A writing call: planned in check mode, made otherwise. Marks the result changed."""
        self.changed = True
        self.planned.append(dict(api=api, function=function, module=module, user=user,
                                 params=redact(params, Client.SECRET_KEYS)))
        if self.module.check_mode:
            return None
        try:
            return self.client.call(api, function, params, user, module)
        except WhmkitError as e:
            self.fail(e)

    def fail(self, error):
        extra = {}
        if getattr(error, 'result', None) is not None:
            extra['call'] = error.result.as_dict()
        self.module.fail_json(msg=getattr(error, 'message', str(error)), changed=self.changed,
                              calls=self.planned, **extra)

    def exit(self, **result):
        out = dict(changed=self.changed, calls=self.planned)
        if self.module._diff:
            out['diff'] = dict(before=self.before, after=self.after)
        out.update(result)
        self.module.exit_json(**out)


def run_generic(module, api):
    """The whmapi1, uapi and cpapi2 modules: run one function, changed from the dry run."""
    p = module.params
    client = Client(module)
    function = p['function']
    api_module = p.get('module')
    user = p.get('user')
    params = p.get('params') or {}
    out = dict(changed=False)
    try:
        writes = p.get('writes')
        if writes is None:
            writes = client.writes(api, function, api_module)
            if writes is None:
                writes = True
        result = None
        if writes and client.supports_check():
            result = client.call(api, function, params, user, api_module, check=True, fail=False)
            report = result.check
            out['check'] = report
            out['changed'] = bool(report['changed'] or report['would_run'])
            if module._diff and out['changed']:
                out['diff'] = dict(prepared=check_diff_text(report))
            if result.ok and out['changed'] and not module.check_mode:
                result = client.call(api, function, params, user, api_module, fail=False)
        elif writes:
            if module.check_mode:
                module.exit_json(changed=True, skipped=True,
                                 msg='check mode: the function writes and no dry run is available here')
            result = client.call(api, function, params, user, api_module, fail=False)
            out['changed'] = result.ok
        else:
            result = client.call(api, function, params, user, api_module, fail=False)
    except WhmkitError as e:
        module.fail_json(msg=e.message, **out)
    out.update(data=result.data, envelope=result.envelope, ok=result.ok, reason=result.reason)
    if not result.ok:
        out['changed'] = False
        if p.get('fail_on_error', True):
            module.fail_json(msg='%s %s failed: %s' % (api, ' '.join(x for x in (api_module, function) if x),
                                                       result.reason), **out)
    module.exit_json(**out)
