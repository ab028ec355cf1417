import {
  SPEC_CORRECTIONS,
  promisedDateFieldOperations,
  listOperations,
  loadSpec,
  matchRoute,
  responseSchema,
  toJsonSchema,
  validateComponent,
  validateResponse,
} from '../../src/enphase/response-validator.js';
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const STRICT = { unknownProperties: 'reject', nullsInItems: 'reject' } as const;

interface ExampleCase {
  method: string;
  template: string;
  status: number;
  name: string;
  value: unknown;
}

function responseExamples(): ExampleCase[] {
  const out: ExampleCase[] = [];
  const spec = loadSpec();
  for (const op of listOperations()) {
    const responses = spec.paths[op.template]?.[op.method.toLowerCase()]?.responses ?? {};
    for (const [status, response] of Object.entries(responses)) {
      for (const [ct, media] of Object.entries(response.content ?? {})) {
        if (media.example !== undefined) {
          out.push({ ...op, status: Number(status), name: `${ct} example`, value: media.example });
        }
        for (const [name, ex] of Object.entries(media.examples ?? {})) {
          out.push({ ...op, status: Number(status), name: `${ct} ${name}`, value: ex.value });
        }
      }
    }
  }
  return out;
}

describe('response-validator: the spec itself', () => {
  const examples = responseExamples();

  it('finds the response examples of the spec', () => {
    expect(examples.length).toBeGreaterThan(100);
  });

  it('every response example validates against its own schema', () => {
    const failures = examples
      .map((ex) => ({ ex, r: validateResponse(ex.method, ex.template, ex.status, ex.value) }))
      .filter(({ r }) => !r.ok)
      .map(({ ex, r }) => `${ex.method} ${ex.template} ${ex.status} ${ex.name}: ${JSON.stringify(r)}`);
    expect(failures).toEqual([]);
  });

  it('response examples also pass the strict mode: the spec lists every field it shows', () => {
    const failures = examples
      .filter((ex) => {
        const r = validateResponse(ex.method, ex.template, ex.status, ex.value, STRICT);
        return !r.ok;
      })
      .map((ex) => `${ex.method} ${ex.template} ${ex.status}`);
    expect(failures).toEqual([]);
  });

  it('every response schema of the spec compiles in both modes', () => {
    let compiled = 0;
    for (const op of listOperations()) {
      const responses = loadSpec().paths[op.template]?.[op.method.toLowerCase()]?.responses ?? {};
      for (const status of Object.keys(responses)) {
        for (const mode of ['allow', 'reject'] as const) {
          const r = validateResponse(op.method, op.template, Number(status), {}, { unknownProperties: mode });
          // {} may or may not be valid; what matters is that no "not documented" or compile error
          if (!r.ok) expect(r.errors.join()).not.toMatch(/not documented|not in the spec/);
          compiled += 1;
        }
      }
    }
    expect(compiled).toBeGreaterThan(300);
  });

  it('each SPEC_CORRECTION is still needed: the uncorrected schema rejects the example', () => {
    expect(SPEC_CORRECTIONS.length).toBeGreaterThan(0);
    for (const c of SPEC_CORRECTIONS) {
      // the example the spec gives for the corrected property passes now...
      const ajv = new Ajv({ strict: false });
      const original = originalProperty(c.component, c.property);
      const example = (original as { example?: unknown }).example;
      expect(example).toBeDefined();
      expect(validateComponent(c.component, { [c.property]: example }).ok).toBe(true);
      // ...and failed against the spec's own declaration
      expect(
        ajv.validate(
          toJsonSchema(original as never, { unknownProperties: 'allow', nullsInItems: 'reject' }) as object,
          example,
        ),
      ).toBe(false);
    }
  });
});

describe('response-validator: fields the descriptions promise', () => {
  it('adds start_date/end_date where the description promises them and the schema lacks them', () => {
    loadSpec();
    expect(promisedDateFieldOperations.length).toBeGreaterThanOrEqual(6);
    const original = originalSpec() as unknown as {
      paths: Record<
        string,
        {
          get: { responses: Record<string, { content: Record<string, { schema: { properties: object } }> }> };
        }
      >;
    };
    for (const template of promisedDateFieldOperations) {
      const media = Object.values(original.paths[template]!.get.responses['200']!.content)[0]!;
      expect(Object.keys(media.schema.properties)).not.toContain('start_date');
      const body = { start_date: '2026-06-15', end_date: '2026-06-16' };
      expect(validateResponse('GET', template, 200, body, STRICT)).toEqual({ ok: true });
    }
  });
});

// The property schema as written in the file: loadSpec() has SPEC_CORRECTIONS applied.
function originalProperty(component: string, property: string): unknown {
  return originalSpec().components.schemas[component]?.properties[property];
}

function originalSpec(): {
  components: { schemas: Record<string, { properties: Record<string, unknown> }> };
} {
  return parse(
    readFileSync(new URL('../../openapi/enphase-v4-openapi.yaml', import.meta.url), 'utf8'),
  ) as never;
}

describe('response-validator: component examples', () => {
  // Each entry: the spec puts an example of *another* shape on this component (or property).
  const KNOWN_BAD_EXAMPLES: Record<string, string> = {
    Schedule: 'its example is a list of schedules (the ScheduleList.schedules array), not one',
    EnergyConsumption: 'its example is the whole `consumption` array, not one interval',
    // strict mode only: the example has `last_report_at`, which the schema does not list
    'ChargerSummary (strict)': 'its example is the `devices` map ({ev_chargers: [...]}), not one charger',
    'ChargerSummaryResponse.devices (strict)':
      'its charger entries carry `last_report_at`, which ChargerSummary does not list',
  };

  it('component and property examples validate, except the inconsistencies listed here', () => {
    const schemas = originalSpec().components.schemas as Record<
      string,
      { example?: unknown; properties?: Record<string, { example?: unknown }> }
    >;
    const bad: string[] = [];
    let checked = 0;
    for (const mode of ['allow', 'reject'] as const) {
      const suffix = mode === 'reject' ? ' (strict)' : '';
      const seen = new Set(bad);
      const report = (label: string, ok: boolean) => {
        checked += 1;
        if (!ok && !seen.has(label)) bad.push(label + suffix);
      };
      for (const [name, s] of Object.entries(schemas)) {
        const opts = { unknownProperties: mode };
        if (s.example !== undefined) report(name, validateComponent(name, s.example, opts).ok);
        for (const [prop, ps] of Object.entries(s.properties ?? {})) {
          if (ps.example === undefined) continue;
          report(`${name}.${prop}`, validateComponent(`${name}.${prop}`, ps.example, opts).ok);
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
    // an inconsistency found in allow mode is also found in strict mode: count it once
    const distinct = bad.filter((b) => !(b.endsWith(' (strict)') && bad.includes(b.slice(0, -9))));
    expect(distinct.sort()).toEqual(Object.keys(KNOWN_BAD_EXAMPLES).sort());
  });
});

describe('response-validator: matchRoute', () => {
  it('prefers concrete paths over templated ones', () => {
    expect(matchRoute('GET', '/api/v4/systems/event_types')?.operationId).toBe('listEventTypes');
    expect(matchRoute('GET', '/api/v4/systems/retrieve_system_id')?.template).toBe(
      '/api/v4/systems/retrieve_system_id',
    );
    expect(matchRoute('POST', '/api/v4/systems/search')?.template).toBe('/api/v4/systems/search');
  });

  it('extracts path parameters and ignores the query string', () => {
    const m = matchRoute('get', '/api/v4/systems/42/devices/micros/1234%2F5/telemetry?start_at=1');
    expect(m).toEqual({
      template: '/api/v4/systems/{system_id}/devices/micros/{serial_no}/telemetry',
      operationId: expect.any(String),
      params: { system_id: '42', serial_no: '1234/5' },
    });
    expect(matchRoute('GET', '/api/v4/systems/config/7/grid_status')?.params).toEqual({ system_id: '7' });
  });

  it('answers undefined for unknown paths and methods', () => {
    expect(matchRoute('GET', '/api/v4/nope')).toBeUndefined();
    expect(matchRoute('DELETE', '/api/v4/systems/1')).toBeUndefined();
  });
});

describe('response-validator: validateResponse', () => {
  const T = '/api/v4/systems/{system_id}/telemetry/production_micro';
  const good = {
    system_id: 1,
    granularity: 'day',
    total_devices: 2,
    start_at: 1700000000,
    end_at: 1700000600,
    items: 'intervals',
    intervals: [
      { end_at: 1700000300, devices_reporting: 2, powr: 100, enwh: 8 },
      { end_at: 1700000600, devices_reporting: 2, powr: 120, enwh: 10 },
    ],
  };

  it('accepts a well-formed body', () => {
    expect(validateResponse('GET', T, 200, good)).toEqual({ ok: true });
  });

  it('rejects a string where the array of intervals should be, with a readable error', () => {
    const r = validateResponse('GET', T, 200, { ...good, intervals: 'oops' });
    expect(r).toEqual({ ok: false, errors: ['/intervals: must be array'] });
  });

  it('names the path of a wrong value deep inside', () => {
    const intervals = [...good.intervals, { end_at: 1700000900, devices_reporting: 2, powr: 'x', enwh: 1 }];
    const r = validateResponse('GET', T, 200, { ...good, intervals });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toContain('/intervals/2/powr: must be integer or null');
    const strict = validateResponse('GET', T, 200, { ...good, intervals }, STRICT);
    expect(!strict.ok && strict.errors).toContain('/intervals/2/powr: must be integer');
  });

  it('tolerates unknown fields by default and flags them in reject mode', () => {
    const body = { ...good, brand_new: 1 };
    expect(validateResponse('GET', T, 200, body).ok).toBe(true);
    const strict = validateResponse('GET', T, 200, body, { unknownProperties: 'reject' });
    expect(strict).toEqual({ ok: false, errors: ['/: must NOT have additional properties (brand_new)'] });
  });

  it('tolerates null scalars inside array items by default (DESIGN §3), not in strict mode', () => {
    const intervals = [{ end_at: 1700000300, devices_reporting: 2, powr: null, enwh: 8 }];
    expect(validateResponse('GET', T, 200, { ...good, intervals })).toEqual({ ok: true });
    expect(validateResponse('GET', T, 200, { ...good, intervals }, STRICT)).toEqual({
      ok: false,
      errors: ['/intervals/0/powr: must be integer'],
    });
    // outside any array, null stays an error; an interval that is null is not a value inside one
    expect(validateResponse('GET', T, 200, { ...good, system_id: null }).ok).toBe(false);
    expect(validateResponse('GET', T, 200, { ...good, intervals: [null] }).ok).toBe(false);
    expect(validateResponse('GET', T, 200, { ...good, intervals: ['a'] })).toEqual({
      ok: false,
      errors: ['/intervals/0: must be object'],
    });
    // an enum wrapped as allOf: [$ref] (event status) inside items
    const events = '/api/v4/systems/{system_id}/events';
    const event = { status: null, event_type_id: 28, event_start_time: 1, serial_number: '1' };
    expect(validateResponse('GET', events, 200, { system_id: 1, events: [event] }).ok).toBe(true);
    expect(
      validateResponse('GET', events, 200, { system_id: 1, events: [{ ...event, status: 'Gone' }] }).ok,
    ).toBe(false);
    // through a $ref'd component used as items (EV charger sessions)
    const sessions = '/api/v4/systems/{system_id}/ev_charger/{serial_no}/sessions';
    const session = {
      start_time: 1,
      end_time: 2,
      duration: 1,
      energy_added: null,
      charge_time: 1,
      miles_added: 0,
      cost: 0,
    };
    const body = { count: 1, system_id: 1, sessions: [session] };
    expect(validateResponse('GET', sessions, 200, body).ok).toBe(true);
    expect(validateResponse('GET', sessions, 200, body, STRICT).ok).toBe(false);
  });

  it('handles nullable: null passes where the spec says nullable, fails where it does not', () => {
    const alarms = '/api/v4/systems/{system_id}/alarms';
    const alarm = { id: '1', cleared: false, alarm_start_time: 1, alarm_end_time: null, severity: 4 };
    expect(validateResponse('GET', alarms, 200, { system_id: 1, alarms: [alarm] }).ok).toBe(true);
    const r = validateResponse(
      'GET',
      alarms,
      200,
      { system_id: 1, alarms: [{ ...alarm, severity: null }] },
      STRICT,
    );
    expect(r).toEqual({ ok: false, errors: ['/alarms/0/severity: must be integer'] });
  });

  it('keeps enums on nullable $ref/allOf properties (attachment_type)', () => {
    const t = '/api/v4/systems';
    const sys = (attachment_type: unknown) => ({ systems: [{ system_id: 1, attachment_type }] });
    expect(validateResponse('GET', t, 200, sys(null)).ok).toBe(true);
    expect(validateResponse('GET', t, 200, sys('rack_mount')).ok).toBe(true);
    expect(validateResponse('GET', t, 200, sys('flying')).ok).toBe(false);
  });

  it('says so when a status is not documented', () => {
    const r = validateResponse('GET', T, 418, {});
    expect(r).toEqual({ ok: false, errors: [`status 418 is not documented for GET ${T}`] });
  });

  it('does not mutate the body', () => {
    const body = JSON.parse(JSON.stringify(good)) as unknown;
    validateResponse('GET', T, 200, body, { unknownProperties: 'reject' });
    expect(body).toEqual(good);
  });

  it('finds schemas of non-JSON media types (EV charger: octet-stream, live_data: event-stream)', () => {
    const ev = responseSchema('GET', '/api/v4/systems/{system_id}/ev_charger/devices', 200);
    expect(ev.found && ev.schema).toBeTruthy();
    const live = responseSchema('GET', '/api/v4/systems/{system_id}/live_data', 200);
    expect(live.found && live.schema).toBeTruthy();
  });
});

test('the JSON copy the pipeline reads is the YAML, parsed (npm run gen:api writes it)', () => {
  const json: unknown = JSON.parse(
    readFileSync(new URL('../../openapi/enphase-v4-openapi.json', import.meta.url), 'utf8'),
  );
  expect(json).toEqual(
    parse(readFileSync(new URL('../../openapi/enphase-v4-openapi.yaml', import.meta.url), 'utf8')),
  );
});
