'use strict';
// The operations page: a thin client of the API. The token stays in this tab's sessionStorage.
const $ = (sel) => document.querySelector(sel);
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const dateFr = (iso) =>
  iso
    ? new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso).toLocaleDateString('fr-FR', {
        timeZone: 'Europe/Paris',
        day: 'numeric',
        month: 'long',
        year: 'numeric',
      })
    : '';
const dateTimeFr = (iso) =>
  new Date(iso).toLocaleString('fr-FR', {
    timeZone: 'Europe/Paris',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
const STATES = {
  active: 'actif',
  suspended: 'suspendu',
  'under-notice': 'mis en demeure',
  terminating: 'en cours de résiliation',
  expired: 'expiré',
  terminated: 'résilié',
};
const DEADLINES = {
  'renewal-reminder': 'Rappel de renouvellement',
  'renewal-request-due': 'Demande de renouvellement',
  term: "Terme de l'agrément",
  'badge-reminder': 'Rappel badge référent',
  'badge-due': 'Badge « Référent Pix »',
  'quota-checkpoint': 'Point d’étape quota',
  'quota-deadline': 'Quota à 3 ans',
  'cure-due': 'Fin du délai de mise en demeure',
  'visit-answer-due': 'Réponse à la visite de contrôle',
  'labour-documents-due': 'Documents sociaux',
  'cahier-change-apply-by': 'Application du nouveau cahier',
  'force-majeure-limit': 'Limite force majeure',
  'termination-effective': 'Prise d’effet de la résiliation',
  'finalisation-due': 'Finalisation de session (48 h)',
  'statement-due': 'Relevé mensuel',
  'remedy-due': 'Nouvelle session ou remboursement (incident)',
  'referent-contribution-year': 'Contribution annuelle du référent',
  'referent-contribution-warning': 'Alerte contribution du référent',
};
const OVERDUE = {
  'finalisation-overdue': 'Session non finalisée sous 48 h',
  'remedy-overdue': 'Incident imputable au centre sans solution sous 5 jours',
  'statement-overdue': 'Relevé mensuel non envoyé',
  'renewal-request-missed': 'Demande de renouvellement manquée',
  'procedure-overdue': 'Procédure de plus de 2 mois',
  'termination-proposed': 'Résiliation à confirmer',
  'breach-notice-proposed': 'Mise en demeure à décider',
  'suspension-proposed': 'Suspension à décider',
};
const BLOCKERS = {
  'SUS-2': "l'agrément est suspendu",
  'REF-2': "le référent n'a pas suivi la formation Pix",
  'AGR-4': "l'agrément a expiré",
  'TER-5': "l'agrément a pris fin",
  'TER-3': 'la convention est suspendue pour force majeure',
};
const EVENTS = {
  'agrement-started': 'Agrément en vigueur',
  suspended: 'Suspension',
  'suspension-lifted': 'Levée de la suspension',
  'breach-notified': 'Mise en demeure',
  'breach-cured': 'Manquement corrigé',
  'termination-proposed': 'Résiliation proposée',
  'breach-notice-proposed': 'Mise en demeure proposée',
  'termination-confirmed': 'Résiliation confirmée',
  terminated: 'Résiliation',
  expired: 'Expiration',
  renewed: 'Renouvellement',
  'renewal-requested': 'Demande de renouvellement',
  'renewal-accepted': 'Renouvellement accepté',
  'sessions-finalised': 'Session finalisée',
  'quota-warning': 'Alerte quota',
  'badge-reminder': 'Rappel badge',
  'renewal-reminder': 'Rappel de renouvellement',
  'termination-notice': 'Préavis de résiliation',
  'session-reported': 'Session déclarée',
  'session-updated': 'Session modifiée',
  'session-cancelled': 'Session annulée',
  'session-finalised': 'Session finalisée',
  'deadline-scheduled': 'Échéance de finalisation posée',
  'finalisation-reminder': 'Rappel de finalisation',
  'deadline-missed': 'Finalisation hors délai',
  finalised: 'Session finalisée',
  'finalised-late': 'Session finalisée en retard',
  moved: 'Session déplacée',
  cancelled: 'Session annulée',
  'remedy-required': 'Solution due aux candidats (incident)',
  'remedy-overdue': 'Solution aux candidats en retard',
  'remedy-recorded': 'Solution proposée aux candidats',
  'quality-complaint': 'Réclamation',
  'quality-incident': 'Incident signalé',
  'quality-fraud-report': 'Signalement de fraude',
  'quality-data-breach': 'Violation de données',
  'personal-data-erased': 'Données personnelles effacées (2 ans)',
  'referent-contribution-warning': 'Alerte contribution du référent',
  'referent-added': 'Référent désigné',
  'referent-removed': 'Référent retiré',
  'referent-count-revised': 'Nombre de référents révisé',
  'member-joined': 'Centre entré dans le réseau',
  'member-left': 'Centre sorti du réseau',
};
// Issue 10 §3: the outcome of each deadline of the ledger, in words.
const eventsFr = (by) =>
  by
    ? by
        .split(', ')
        .map((t) => EVENTS[t] ?? t)
        .join(', ')
    : '';
const OUTCOMES = {
  pending: () => 'à venir',
  met: (d) => `respectée le ${dateFr(d.outcomeOn)}${d.outcomeBy ? ` (${esc(eventsFr(d.outcomeBy))})` : ''}`,
  missed: (d) => `manquée${d.outcomeBy ? ` — suite : ${esc(eventsFr(d.outcomeBy))}` : ''}`,
  reached: (d) => `atteinte le ${dateFr(d.outcomeOn)}${d.outcomeBy ? ` — suite : ${esc(eventsFr(d.outcomeBy))}` : ''}`,
  cancelled: (d) => `annulée${d.outcomeOn ? ` le ${dateFr(d.outcomeOn)}` : ''}${d.outcomeBy ? ` (${esc(eventsFr(d.outcomeBy))})` : ''}`,
  superseded: (d) =>
    `remplacée par ${d.supersededByOn ? `l’échéance du ${dateFr(d.supersededByOn)}` : 'une autre échéance'}${d.outcomeBy ? ` (${esc(eventsFr(d.outcomeBy))})` : ''}`,
};
const outcomeFr = (d) => `<span data-outcome="${esc(d.outcome)}">${(OUTCOMES[d.outcome] ?? (() => esc(d.outcome)))(d)}</span>`;
const STREAMS = {
  agrement: 'Agrément',
  session: 'Session',
  statement: 'Relevé mensuel',
  'control-visit': 'Visite de contrôle',
  'centre-quality': 'Suivi qualité',
};
let me = null;

async function api(path, options = {}) {
  const res = await fetch(path, {
    ...options,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${sessionStorage.getItem('token') ?? ''}`,
      ...(options.headers ?? {}),
    },
  });
  const body = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text();
  if (res.status === 401) {
    sessionStorage.removeItem('token');
    location.hash = '#/connexion';
  }
  if (!res.ok) throw new Error(body?.message ? `${body.message}${body.rule ? ` (${body.rule})` : ''}` : `Erreur ${res.status}`);
  return body;
}

function signIn() {
  $('#nav').hidden = true;
  $('#main').innerHTML =
    `<h1>Connexion</h1><form id="signin"><label>Jeton d'accès<input name="token" type="password" autocomplete="off" required></label><button>Se connecter</button><p class="error" id="signin-error"></p></form>`;
  $('#signin').addEventListener('submit', async (e) => {
    e.preventDefault();
    sessionStorage.setItem('token', new FormData(e.target).get('token').trim());
    try {
      await loadMe();
      location.hash = '#/';
      route();
    } catch {
      $('#signin-error').textContent = 'Jeton refusé.';
      sessionStorage.removeItem('token');
    }
  });
}

async function loadMe() {
  me = await api('/me');
  $('#nav').hidden = false;
  $('#who').textContent = `${me.name} · ${me.role}`;
}

async function overview() {
  const [o, watch] = await Promise.all([api('/dashboard/overview'), api('/dashboard/watchlist?limit=100')]);
  const card = (label, n) => `<div class="card"><b>${n ?? 0}</b>${esc(label)}</div>`;
  const count = (kind) =>
    Object.entries(o.agrements[kind] ?? {})
      .map(([s, n]) => card(`${kind === 'network' ? 'réseaux' : 'centres'} ${STATES[s] ?? s}`, n))
      .join('');
  $('#main').innerHTML =
    `<h1>Vue d'ensemble</h1><div class="cards">${count('centre')}${count('network')}${card('demandes en retard (APP-7)', o.applicationsOverdue)}</div>
    <h2>Centres suspendus ou sous procédure</h2>${table(
      ['Centre', 'Type', 'État'],
      watch.items.map((w) => [link(w.agrementId, w.organisationName), w.kind === 'network' ? 'réseau' : 'centre', stateBadge(w.state)]),
    )}`;
}

const link = (id, name) => (id ? `<a href="#/centres/${esc(id)}">${esc(name)}</a>` : esc(name));
const stateBadge = (s) => `<span class="state ${esc(s)}" data-state="${esc(s)}">${esc(STATES[s] ?? s)}</span>`;
const table = (head, rows) =>
  rows.length
    ? `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`
    : '<p>Rien à signaler.</p>';

// Filters live in the address (#/echeances?jours=90&region=84&departement=69&type=centre): a view can be bookmarked and shared.
const FILTERS = { region: 'region', departement: 'department', type: 'kind' };
let regions = null;

function filtersOf(params) {
  const q = new URLSearchParams();
  for (const [fr, en] of Object.entries(FILTERS)) if (params.get(fr)) q.set(en, params.get(fr));
  return q;
}

async function filterBar(page, params, withDays) {
  regions ??= await api('/dashboard/regions');
  const v = (k) => esc(params.get(k) ?? '');
  const option = (value, label, current) => `<option value="${esc(value)}"${value === current ? ' selected' : ''}>${esc(label)}</option>`;
  return `<form id="filters" class="filters" data-page="${page}">
    ${withDays ? `<label>Jours<input name="jours" type="number" min="1" max="3660" value="${v('jours') || 90}"></label>` : ''}
    <label>Région<select name="region">${option('', 'Toutes', params.get('region') ?? '')}${regions.map((r) => option(r.code, r.name, params.get('region') ?? '')).join('')}</select></label>
    <label>Département<input name="departement" value="${v('departement')}" size="4" pattern="\\d{2,3}|2A|2B" placeholder="69"></label>
    <label>Type<select name="type">${option('', 'Tous', params.get('type') ?? '')}${option('centre', 'Centres', params.get('type') ?? '')}${option('network', 'Réseaux', params.get('type') ?? '')}</select></label>
    <button>Filtrer</button>
  </form>`;
}

function onFilter() {
  $('#filters').addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams([...new FormData(e.target)].filter(([, value]) => value !== ''));
    location.hash = `#/${e.target.dataset.page}?${q}`;
  });
}

async function deadlines() {
  const params = new URLSearchParams(location.hash.split('?')[1]);
  const days = Number(params.get('jours') ?? 90);
  const query = `days=${days}&${filtersOf(params)}`;
  const d = await api(`/dashboard/deadlines?${query}&limit=200`);
  $('#main').innerHTML = `<h1>Échéances des ${days} prochains jours</h1>${await filterBar('echeances', params, true)}
    <p>${d.total} échéance(s) · <a href="/dashboard/deadlines?${esc(query)}&format=csv" id="csv">Exporter en CSV</a></p>
    ${table(
      ['Date', 'Échéance', 'Règle', 'Centre', 'Dépt'],
      d.items.map((x) => [
        dateFr(x.on),
        esc(DEADLINES[x.deadline] ?? x.deadline) + (x.subject === 'agrement' ? '' : ` <small>${esc(x.subjectId)}</small>`),
        esc(x.ruleId),
        link(x.agrementId, x.organisationName),
        esc(x.department),
      ]),
    )}`;
  onFilter();
  $('#csv').addEventListener('click', async (e) => {
    e.preventDefault();
    const blob = new Blob([await api(`/dashboard/deadlines?${query}&format=csv&limit=1000`)], { type: 'text/csv' });
    const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: 'echeances.csv' });
    a.click();
  });
}

async function overdue() {
  const params = new URLSearchParams(location.hash.split('?')[1]);
  const d = await api(`/dashboard/overdue?${filtersOf(params)}&limit=200`);
  $('#main').innerHTML = `<h1>En retard</h1>${await filterBar('retards', params, false)}
    ${table(
      ['Depuis', 'Quoi', 'Règle', 'Centre'],
      d.items.map((x) => [dateFr(x.since), esc(OVERDUE[x.what] ?? x.what), esc(x.ruleId), link(x.agrementId, x.organisationName)]),
    )}`;
  onFilter();
}

function quotaChart(a, timeline) {
  const target = a.kind === 'network' ? 2500 : 600;
  const start = Date.parse(a.firstGrantOn);
  const end = Date.parse(a.firstGrantOn) + 3 * 365.25 * 86400000;
  const points = [
    [start, 0],
    ...timeline.filter((e) => e.type === 'sessions-finalised' && e.data.counted !== false).map((e) => [Date.parse(e.at), e.data.total]),
  ];
  const W = 600,
    H = 220,
    x = (t) => 40 + ((t - start) / (end - start)) * (W - 60),
    y = (n) => H - 30 - (n / target) * (H - 50);
  const path = points.map(([t, n], i) => `${i ? 'L' : 'M'}${x(t).toFixed(1)},${y(n).toFixed(1)}`).join(' ');
  return `<svg id="quota-chart" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="Rythme du quota : ${a.candidates} candidats sur ${target}">
    <line x1="${x(start)}" y1="${y(0)}" x2="${x(end)}" y2="${y(target)}" stroke="#999" stroke-dasharray="6 4"/>
    <text x="${x(end) - 4}" y="${y(target) - 6}" text-anchor="end" font-size="12">${target} candidats à 3 ans</text>
    <path d="${path}" fill="none" stroke="#2b1f6b" stroke-width="3"/>
    <line x1="40" y1="${H - 30}" x2="${W - 20}" y2="${H - 30}" stroke="#333"/>
    <text x="40" y="${H - 10}" font-size="12">${dateFr(a.firstGrantOn)}</text><text x="${W - 20}" y="${H - 10}" font-size="12" text-anchor="end">+ 3 ans</text>
  </svg>`;
}

const LEGAL_ACTIONS = [
  {
    action: 'suspend',
    permission: 'agrement.suspend',
    label: 'Suspendre',
    when: (a) => !a.agrement.suspension && !['expired', 'terminated'].includes(a.state),
  },
  {
    action: 'lift-suspension',
    permission: 'agrement.lift-suspension',
    label: 'Lever la suspension',
    when: (a) => a.agrement.suspension?.cause === 'decision',
  },
  {
    action: 'notify-breach',
    permission: 'agrement.notify-breach',
    label: 'Notifier un manquement',
    when: (a) => !a.agrement.breach && !['expired', 'terminated'].includes(a.state),
    extra: '<label>Date d’envoi de la LRAR<input type="date" name="letterSentOn" required></label>',
  },
  {
    action: 'record-cure',
    permission: 'agrement.record-cure',
    label: 'Enregistrer la correction',
    when: (a) => Boolean(a.agrement.breach),
    extra: '<label>Preuve<input name="evidence" required></label>',
  },
];

const SESSION_STATUS = { planned: 'planifiée', finalised: 'finalisée', cancelled: 'annulée' };

async function centre(id) {
  const a = await api(`/agrements/${encodeURIComponent(id)}`);
  // SES-1, SES-10: the centre's latest sessions, with their 48-hour finalisation deadline.
  const [sessions, t] = await Promise.all([
    api(`/sessions?organisationId=${encodeURIComponent(a.organisation.id)}&limit=20`).catch(() => ({ total: 0, items: [] })),
    // The whole timeline: every stream that concerns the centre, and every deadline its workflows hold.
    api(`/dashboard/centres/${encodeURIComponent(a.organisation.id)}/timeline?limit=200`),
  ]);
  const can = (p) => me.actions.includes(p);
  const buttons = LEGAL_ACTIONS.filter((x) => can(x.permission) && x.when(a)).map(
    (x) => `<button data-action="${x.action}">${esc(x.label)}</button>`,
  );
  // BRE-4: every proposal of the engine waits for a person of the legal team: confirm or decline it.
  const PROPOSAL_FR = { termination: 'la résiliation', suspension: 'la suspension', 'breach-notice': 'la mise en demeure' };
  const proposals = can('agrement.confirm-termination')
    ? a.agrement.proposals.flatMap((p) => [
        `<button data-action="confirm-proposal" data-proposal="${esc(p.id)}">Confirmer ${esc(PROPOSAL_FR[p.kind] ?? p.kind)} (${esc(p.ruleId)})</button>`,
        `<button data-action="decline-proposal" data-proposal="${esc(p.id)}">Écarter ${esc(PROPOSAL_FR[p.kind] ?? p.kind)} (${esc(p.ruleId)})</button>`,
      ])
    : [];
  $('#main').innerHTML = `<h1>${esc(a.organisation.name)}</h1>
    <p>État : ${stateBadge(a.state)} · agrément du ${dateFr(a.startOn)} au ${dateFr(a.termOn)} · ${a.candidates} candidats</p>
    ${a.sessionBlocker ? `<p class="error">Sessions refusées : ${esc(BLOCKERS[a.sessionBlocker.ruleId] ?? a.sessionBlocker.reason)} (${esc(a.sessionBlocker.ruleId)})</p>` : ''}
    <div class="actions" id="legal-actions">${[...buttons, ...proposals].join('')}</div>
    <h2>Rythme du quota</h2>${quotaChart(a, a.timeline)}
    <h2>Échéances à venir</h2><div id="upcoming">${table(
      ['Date', 'Échéance', 'Règle', 'Objet'],
      t.upcoming.map((d) => [
        dateFr(d.on),
        esc(DEADLINES[d.deadline] ?? d.deadline),
        esc(d.ruleId),
        d.subject === 'agrement' ? 'Agrément' : `${esc(STREAMS[d.subject] ?? d.subject)} <small>${esc(d.subjectId)}</small>`,
      ]),
    )}</div>
    <h2>Échéances</h2><div id="ledger">${table(
      ['Date', 'Échéance', 'Règle', 'Issue'],
      (a.ledger ?? []).map((d) => [dateFr(d.on), esc(DEADLINES[d.name] ?? d.name), esc(d.ruleId), outcomeFr(d)]),
    )}</div>
    <h2>Sessions <small>(${sessions.total})</small></h2><div id="sessions">${table(
      ['Date', 'Session', 'Statut', 'Candidats', 'Finalisation (SES-10)'],
      sessions.items.map((x) => [
        dateFr(x.date),
        esc(x.id),
        esc(SESSION_STATUS[x.status] ?? x.status),
        x.candidatesWhoSat === null ? esc(x.candidates) : `${esc(x.candidatesWhoSat)} / ${esc(x.candidates)}`,
        x.status === 'planned'
          ? `avant le ${dateTimeFr(x.deadlineAt)} (heure de Paris)`
          : x.finalisedAt
            ? `le ${dateFr(x.finalisedAt)}`
            : '',
      ]),
    )}</div>
    <h2>Historique <small>(${t.past.total})</small></h2><div id="history">${table(
      ['Date', 'Objet', 'Événement', 'Règles', 'Par', 'Motif'],
      t.past.items.map((e) => [
        dateFr(e.at),
        esc(STREAMS[e.stream] ?? e.stream) + (e.data?.sessionId ? ` <small>${esc(e.data.sessionId)}</small>` : ''),
        esc(EVENTS[e.type] ?? e.type),
        esc(e.ruleIds.join(', ')),
        esc(e.actor),
        esc(e.reason),
      ]),
    )}</div>`;
  for (const b of document.querySelectorAll('#legal-actions button')) {
    b.addEventListener('click', () => act(a.id, b.dataset.action, b.textContent, b.dataset.proposal));
  }
}

function act(id, action, title, proposalId) {
  const spec = LEGAL_ACTIONS.find((x) => x.action === action);
  const dialog = $('#reason-dialog');
  $('#reason-title').textContent = title;
  $('#reason-extra').innerHTML = spec?.extra ?? '';
  $('#reason-form').reset();
  dialog.returnValue = '';
  dialog.onclose = async () => {
    if (dialog.returnValue !== 'ok') return;
    const body = Object.fromEntries(new FormData($('#reason-form')));
    if (proposalId) body.proposalId = proposalId;
    try {
      await api(`/agrements/${id}/actions/${action}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'idempotency-key': `web-${crypto.randomUUID()}` },
      });
      await centre(id);
    } catch (err) {
      $('#legal-actions').insertAdjacentHTML('afterend', `<p class="error" role="alert">${esc(err.message)}</p>`);
    }
  };
  dialog.showModal();
}

// Views render one at a time, in order, each for the address current when it starts; #main then says which
// address it shows (data-rendered) and is not busy: a reader (or a test) waits for that, never for a pause.
let routing = Promise.resolve();
let pending = 0;
function route() {
  pending += 1;
  $('#main').setAttribute('aria-busy', 'true');
  routing = routing.then(render).finally(() => {
    pending -= 1;
    if (pending > 0) return; // a newer address is queued: it renders next
    $('#main').dataset.rendered = location.hash;
    $('#main').setAttribute('aria-busy', 'false');
  });
  return routing;
}

async function render() {
  const hash = location.hash || '#/';
  if (!sessionStorage.getItem('token') || hash.startsWith('#/connexion')) return signIn();
  try {
    if (!me) await loadMe();
    const [, page, id] = hash.split('?')[0].split('/');
    if (page === 'echeances') await deadlines();
    else if (page === 'retards') await overdue();
    else if (page === 'centres' && id) await centre(id);
    else await overview();
  } catch (err) {
    $('#main').innerHTML = `<p class="error">${esc(err.message)}</p>`;
  }
}

$('#logout').addEventListener('click', () => {
  sessionStorage.removeItem('token');
  me = null;
  location.hash = '#/connexion';
});
window.addEventListener('hashchange', route);
route();
