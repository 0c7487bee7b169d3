/**
 * The dashboard page's own script, run in the browser (the project compiles without the DOM library, so
 * it is kept as text, plain ES2017, no template strings). It listens to /stream: `hello` (the run and its
 * controls), `frame` (one second), `events` (every change so far, drawn as marks on the charts) and `end`
 * (the final summary). In a study the page stays connected after `end` and reloads when a `hello` names
 * the study's next run. Each chart says how many seconds it drew in `data-points` and the body says
 * `data-state` (connecting, live, ended), when it connected (`data-connected-at-ms`, epoch ms) and which
 * second first arrived live, as it closed, and when (`data-first-live-frame-second`,
 * `data-first-live-frame-at-ms`), so a test reads the page without comparing pixels.
 */
export const DASHBOARD_SCRIPT = `
(function () {
  'use strict';
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
  var token = new URLSearchParams(location.hash.slice(1)).get('token');
  var body = document.body;
  var charts = {};
  var events = [];
  var hello = null;
  var ended = false;
  var framesSeen = 0;

  function $(id) { return document.getElementById(id); }
  function fmt(value) {
    if (value === null || value === undefined) return '–';
    if (Math.abs(value) >= 1000) return (Math.round(value / 100) / 10) + 'k';
    return String(Math.round(value * 100) / 100);
  }
  function label(event) { return event.what === 'stop' ? 'stop' : event.what + ' ' + fmt(event.from) + '→' + fmt(event.to); }

  /** Draws each change as a dashed line with its label, on every chart. */
  function markers() {
    return { hooks: { draw: [function (u) {
      var ctx = u.ctx;
      var ratio = window.devicePixelRatio || 1;
      ctx.save();
      ctx.strokeStyle = '#6b4fbb';
      ctx.fillStyle = '#6b4fbb';
      ctx.setLineDash([4 * ratio, 4 * ratio]);
      ctx.font = (11 * ratio) + 'px sans-serif';
      events.forEach(function (event, index) {
        var x = u.valToPos(event.tMs / 1000, 'x', true);
        if (!(x >= u.bbox.left && x <= u.bbox.left + u.bbox.width)) return;
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.fillText(label(event), x + 3 * ratio, u.bbox.top + (12 + 12 * (index % 3)) * ratio);
      });
      ctx.restore();
    }] } };
  }

  function seriesOf(definition, index) {
    return { label: definition.label, stroke: definition.color || COLORS[index % COLORS.length], width: 1.5, scale: definition.scale || 'y', dash: definition.dash };
  }

  /** A live chart: definitions are { label, value(frame), scale? }; a second scale gets an axis on the right. */
  function makeChart(id, definitions, leftUnit, rightUnit) {
    var element = $('chart-' + id);
    var axes = [{ label: 'seconds' }, { scale: 'y', label: leftUnit, size: 56 }];
    var scales = { x: { time: false }, y: { range: function (u, min, max) { return [Math.min(0, min), Math.max(1, max * 1.1)]; } } };
    if (rightUnit) {
      axes.push({ scale: 'right', label: rightUnit, side: 1, size: 56, grid: { show: false } });
      scales.right = { range: function (u, min, max) { return [Math.min(0, min), Math.max(1, max * 1.1)]; } };
    }
    var options = {
      width: Math.max(300, element.clientWidth - 24),
      height: 220,
      scales: scales,
      axes: axes,
      series: [{ label: 'second' }].concat(definitions.map(seriesOf)),
      plugins: [markers()],
    };
    var data = [[]].concat(definitions.map(function () { return []; }));
    charts[id] = { element: element, plot: new uPlot(options, data, element), data: data, definitions: definitions.slice(), seen: [] };
  }

  function push(id, frame) {
    var chart = charts[id];
    if (!chart || chart.element.hidden) return;
    chart.data[0].push(frame.elapsedSeconds);
    chart.definitions.forEach(function (definition, index) { chart.data[index + 1].push(definition.value(frame)); });
    chart.plot.setData(chart.data);
    chart.element.dataset.points = String(chart.data[0].length);
  }

  /** Series named as they first appear (error causes, user types): each a line, zero for the seconds before. */
  function addSeriesAsSeen(id, names, valueOf) {
    var chart = charts[id];
    names.forEach(function (name) {
      if (chart.seen.indexOf(name) >= 0) return;
      chart.seen.push(name);
      var definition = { label: name, value: valueOf(name) };
      chart.definitions.push(definition);
      chart.data.push(chart.data[0].map(function () { return 0; }));
      chart.plot.addSeries(seriesOf(definition, chart.definitions.length - 1), chart.definitions.length);
    });
  }

  function addNewSeries(frame) {
    addSeriesAsSeen('errors', Object.keys(frame.errorsTotal), function (cause) { return function (f) { return f.errors[cause] || 0; }; });
    addSeriesAsSeen('users', Object.keys(frame.users || {}), function (type) { return function (f) { return f.users ? f.users[type] || 0 : null; }; });
  }

  function sum(counts) {
    return counts ? Object.keys(counts).reduce(function (total, key) { return total + counts[key]; }, 0) : null;
  }

  function setUp() {
    makeChart('rate', [
      { label: 'achieved', value: function (f) { return f.completed; } },
      { label: 'sent', value: function (f) { return f.sent; } },
      { label: 'target', value: function (f) { return f.targetPerSec; }, dash: [6, 4], color: '#555' },
    ], 'req/s');
    // Each uncorrected percentile is dashed, in the colour of its corrected one.
    makeChart('latency', ['p50', 'p90', 'p99'].map(function (name, index) {
      return { label: name, value: function (f) { return f.latencyMs[name]; }, color: COLORS[index] };
    }).concat(['p50', 'p90', 'p99'].map(function (name, index) {
      return { label: 'uncorrected ' + name, value: function (f) { return f.uncorrectedMs ? f.uncorrectedMs[name] : null; }, color: COLORS[index], dash: [6, 4] };
    })), 'ms');
    makeChart('errors', [{ label: 'dropped', value: function (f) { return f.dropped; } }], 'per second');
    makeChart('concurrency', [
      { label: 'in flight', value: function (f) { return f.inFlight; } },
      { label: hello && /vus|phases/.test(hello.executor) ? 'virtual users' : 'connections / concurrency', value: function (f) { return f.concurrency; } },
    ], 'count');
    makeChart('users', [{ label: 'all types', value: function (f) { return sum(f.users); }, color: '#555', dash: [6, 4] }], 'users');
    makeChart('generator', [
      { label: 'CPU %', value: function (f) { return f.cpuPercent; } },
      { label: 'schedule lag ms', value: function (f) { return f.behindMs; }, scale: 'right' },
    ], '% of a core', 'ms');
    makeChart('control', [
      { label: 'setpoint', value: function (f) { return f.dial ? f.dial.setpointPerSec : null; }, dash: [6, 4], color: '#555' },
      { label: 'measured', value: function (f) { return f.completed; } },
      { label: 'concurrency', value: function (f) { return f.dial ? f.dial.concurrency : null; }, scale: 'right' },
    ], 'req/s', 'concurrency');
  }

  function showThresholds(frame) {
    var box = $('thresholds');
    if (!frame.thresholds.length) return;
    box.textContent = 'thresholds (last second): ';
    frame.thresholds.forEach(function (threshold) {
      var span = document.createElement('span');
      span.className = threshold.passed === null ? 'idle' : threshold.passed ? 'pass' : 'fail';
      span.dataset.threshold = threshold.expression;
      span.textContent = (threshold.passed === null ? '· ' : threshold.passed ? '✓ ' : '✗ ') + threshold.expression + (threshold.actual === null ? '' : ' (' + fmt(threshold.actual) + ')');
      box.appendChild(span);
    });
  }

  function canSteer() { return hello && (!hello.tokenRequired || token !== null) && !ended; }

  function showValues(values) {
    Object.keys(values).forEach(function (control) {
      $('form-' + control).hidden = false;
      if (values[control] !== null && values[control] !== undefined) $('input-' + control).value = String(values[control]);
    });
  }

  function showControls() {
    var controls = $('controls');
    controls.dataset.steer = canSteer() ? 'yes' : 'no';
    showValues(hello.controls);
    if (/vus|phases/.test(hello.executor)) $('concurrency-label').textContent = 'virtual users';
    Array.prototype.forEach.call(controls.querySelectorAll('input, button'), function (element) { element.disabled = !canSteer(); });
    if (hello.tokenRequired && token === null) say('watching only: open the address printed at the start (with its #token) to steer', false);
  }

  function say(text, bad) {
    var status = $('control-status');
    status.textContent = text;
    status.className = bad ? 'bad' : '';
  }

  function steer(what, value) {
    var headers = { 'content-type': 'application/json' };
    if (token !== null) headers['x-salvo-token'] = token;
    return fetch('/control', { method: 'POST', headers: headers, body: JSON.stringify({ what: what, value: value }) })
      .then(function (response) { return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; }); })
      .then(function (reply) {
        if (reply.ok && reply.answer.controls) {
          hello.controls = reply.answer.controls;
          showValues(hello.controls);
        }
        say(reply.ok ? (what === 'stop' ? 'stopping' : what + ' set to ' + value) : reply.answer.error, !reply.ok);
      })
      .catch(function (error) { say(String(error), true); });
  }

  Array.prototype.forEach.call(document.querySelectorAll('form[data-control]'), function (form) {
    form.addEventListener('submit', function (submitted) {
      submitted.preventDefault();
      var input = form.querySelector('input');
      steer(form.dataset.control, input.value.trim() === '' ? null : Number(input.value));
    });
  });
  $('stop').addEventListener('click', function () { steer('stop'); });

  function showEnd(end) {
    ended = true;
    body.dataset.state = 'ended';
    $('state').textContent = end.interrupted ? 'ended early (' + end.interruptReason + ')' : 'finished';
    showControls();
    say('the run is over', false);
    var corrected = end.latencyMs.corrected;
    var uncorrected = end.latencyMs.uncorrected;
    var rows = [
      ['sent / completed / failed / dropped', [end.requests.sent, end.requests.completed, end.requests.failed, end.requests.dropped].map(fmt).join(' / ')],
      ['rate achieved (target)', fmt(end.rate.achieved) + '/s (' + (end.rate.target === null ? 'max' : fmt(end.rate.target) + '/s') + ')'],
      ['corrected p50 / p90 / p99 / max', [corrected.p50, corrected.p90, corrected.p99, corrected.max].map(fmt).join(' / ') + ' ms'],
      ['uncorrected p50 / p90 / p99 / max', [uncorrected.p50, uncorrected.p90, uncorrected.p99, uncorrected.max].map(fmt).join(' / ') + ' ms'],
      ['errors', Object.keys(end.errors).length ? Object.keys(end.errors).map(function (cause) { return cause + ' ' + end.errors[cause]; }).join(', ') : 'none'],
      ['changes made', String(end.events.length)],
    ];
    end.thresholds.forEach(function (threshold) { rows.push([(threshold.passed ? '✓ ' : '✗ ') + threshold.expression, fmt(threshold.actual)]); });
    end.warnings.forEach(function (warning) { rows.push(['warning', warning]); });
    var summary = $('summary');
    summary.textContent = '';
    var heading = document.createElement('h2');
    heading.textContent = 'final summary';
    summary.appendChild(heading);
    var table = document.createElement('table');
    rows.forEach(function (row) {
      var line = table.insertRow();
      line.insertCell().textContent = row[0];
      line.insertCell().textContent = row[1];
    });
    summary.appendChild(table);
    if (end.report) {
      var link = document.createElement('a');
      link.id = 'report-link';
      link.href = end.report;
      link.textContent = 'the HTML report: ' + end.report;
      summary.appendChild(link);
    }
    summary.hidden = false;
  }

  var source = new EventSource('/stream');
  source.addEventListener('hello', function (message) {
    var first = hello === null;
    var next = JSON.parse(message.data);
    // A study's next run: its page, from the start.
    if (!first && next.study && (!hello.study || next.study.position !== hello.study.position)) {
      location.reload();
      return;
    }
    hello = next;
    if (first) {
      body.dataset.connectedAtMs = String(Date.now());
      setUp();
    }
    showControls();
    body.dataset.state = 'live';
    $('state').textContent = 'live';
  });
  source.addEventListener('frame', function (message) {
    var frame = JSON.parse(message.data);
    if (charts.rate.data[0].length && frame.elapsedSeconds <= charts.rate.data[0][charts.rate.data[0].length - 1]) return; // a reconnect sends the history again
    framesSeen++;
    // The first second that arrived as it closed, not in the history a page gets on connecting.
    if (framesSeen > hello.secondsSoFar && !body.dataset.firstLiveFrameAtMs) {
      body.dataset.firstLiveFrameAtMs = String(Date.now());
      body.dataset.firstLiveFrameSecond = String(frame.elapsedSeconds);
    }
    addNewSeries(frame);
    Object.keys(charts).forEach(function (id) { push(id, frame); });
    showThresholds(frame);
    $('clock').textContent = fmt(frame.elapsedSeconds) + ' s of ' + fmt(frame.durationMs / 1000) + ' s' + (frame.warmup ? ' (warm-up)' : '');
  });
  source.addEventListener('events', function (message) {
    events = JSON.parse(message.data);
    body.dataset.events = String(events.length);
    Object.keys(charts).forEach(function (id) { charts[id].plot.redraw(false, false); });
  });
  source.addEventListener('end', function (message) {
    // A study's page stays connected, to go on to its next run.
    if (!hello.study) source.close();
    showEnd(JSON.parse(message.data));
  });
  source.onerror = function () {
    if (!ended) $('state').textContent = 'reconnecting';
  };
  window.addEventListener('resize', function () {
    Object.keys(charts).forEach(function (id) {
      var chart = charts[id];
      chart.plot.setSize({ width: Math.max(300, chart.element.clientWidth - 24), height: 220 });
    });
  });
})();
`;
