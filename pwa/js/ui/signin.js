// The sign-in screen. Tutors and admins are sent to the web pages.
import { ApiError, apiFetch } from '../api.js';
import { el, replace } from './dom.js';

/** A readable device name from the browser, e.g. "Pixel 7 (Chrome on Android)". */
export function deviceName(ua = navigator.userAgent) {
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox'
    : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS'
    : /Mac OS X/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : 'a device';
  // The model where the browser tells it (Android's reduced user agent says only "K"), so a
  // student can tell their devices apart in Account.
  const android = /Android [^;)]*; ([^;)]+)\)/.exec(ua)?.[1]?.trim();
  const model = android && android !== 'K' ? android : /iPad/.test(ua) ? 'iPad' : /iPhone/.test(ua) ? 'iPhone' : '';
  return model ? `${model} (${browser} on ${os})` : `${browser} on ${os}`;
}

/** Render the sign-in form; `onSignedIn({token, user})` runs for students. */
export function renderSignin(container, { onSignedIn, email = '', reason = '' }) {
  const error = el('p', { class: 'error', id: 'signin-error', role: 'alert' });
  const emailInput = el('input', { type: 'email', id: 'email', autocomplete: 'username', required: true, value: email });
  const password = el('input', { type: 'password', id: 'password', autocomplete: 'current-password', required: true });
  const submit = el('button', { type: 'submit', class: 'button primary', id: 'signin' }, 'Sign in');
  const form = el('form', { class: 'card', 'aria-labelledby': 'signin-title' },
    el('h2', { id: 'signin-title' }, 'Sign in'),
    reason && el('p', { class: 'error', id: 'signin-reason' }, reason),
    el('div', { class: 'field' }, el('label', { for: 'email' }, 'Email'), emailInput),
    el('div', { class: 'field' }, el('label', { for: 'password' }, 'Password'), password),
    error, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    try {
      const answer = await apiFetch('/auth/token', { method: 'POST',
        body: { email: emailInput.value.trim(), password: password.value, device_name: deviceName() } });
      if (answer.user.role !== 'student') {
        await apiFetch('/auth/token', { method: 'DELETE', token: answer.token }).catch(() => {});
        replace(container, el('div', { class: 'card', id: 'tutor-notice' },
          el('h2', {}, 'Tutors use the web pages'),
          el('p', {}, 'This app is for students logging their scans. '),
          el('p', {}, el('a', { href: '/signin' }, 'Go to the tutor pages'))));
        return;
      }
      await onSignedIn(answer);
    } catch (failure) {
      error.textContent = failure instanceof ApiError && failure.status === 0
        ? 'You are offline. Sign in when you have a connection; nothing on this phone is lost.'
        : failure.body?.message || 'Sign-in failed. Try again.';
    } finally {
      submit.disabled = false;
    }
  });
  replace(container, form);
  (email ? password : emailInput).focus();
}
