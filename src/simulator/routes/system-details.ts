// A system's summary, its devices, the envoy → system lookup and the inverters summary.
import type { FastifyInstance } from 'fastify';
import type { operations } from '../../enphase/api-types.js';
import { intParam, stringParam, type SimContext } from '../context.js';
import { errorBody, sendError } from '../error-bodies.js';
import { SALT, hash32 } from '../model/hash.js';
import type { SystemProfile } from '../model/profile.js';
import { lastReportAt } from '../model/reporting.js';
import {
  latestMicroInterval,
  lifetimeEstimateWh,
  microEnergyToday,
  productionToday,
} from '../model/summary.js';

type SummaryBody = operations['getSystemSummary']['responses'][200]['content']['application/json'];
type DevicesBody = operations['listSystemDevices']['responses'][200]['content']['application/json'];
type Device = NonNullable<DevicesBody['devices']>[string][number];
type InvertersBody = operations['getInvertersSummary']['responses'][200]['content']['application/json'];

function deviceId(system: SystemProfile, kind: number, n: number): number {
  return 1_000_000_000 + (hash32(0, SALT.profile, system.id, kind, n) % 1_000_000_000);
}

export function registerSystemDetailRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/api/v4/systems/:system_id/summary', async (request, reply) => {
    const system = ctx.systemOr404(request, reply);
    if (!system) return reply;
    const now = ctx.nowSec();
    const model = ctx.fleet.model(system.id);
    const today = productionToday(model, now);
    const latest = latestMicroInterval(model, now);
    const modules = system.micros.length;
    const body: SummaryBody = {
      system_id: system.id,
      current_power: latest?.powr ?? 0,
      energy_lifetime: lifetimeEstimateWh(model, now),
      energy_today: today.wh,
      last_interval_end_at: latest?.endAt ?? system.operationalAt,
      last_report_at: lastReportAt(system, now),
      modules,
      operational_at: system.operationalAt,
      size_w: system.micros.reduce((sum, m) => sum + m.ratedW, 0),
      nmi: String(hash32(ctx.options.seed, SALT.profile, system.id, 99))
        .padStart(10, '4')
        .slice(0, 10),
      source: today.source,
      status: system.status,
      summary_date: today.date,
      battery_charge_w: system.batteries.reduce((sum, b) => sum + b.maxPowerW, 0),
      battery_discharge_w: system.batteries.reduce((sum, b) => sum + b.maxPowerW, 0),
      battery_capacity_wh: system.batteries.reduce((sum, b) => sum + b.capacityWh, 0),
    };
    return body;
  });

  app.get('/api/v4/systems/:system_id/devices', async (request, reply) => {
    const system = ctx.systemOr404(request, reply);
    if (!system) return reply;
    const reported = lastReportAt(system, ctx.nowSec());
    const base = (kind: number, n: number, name: string, serial: string): Device => ({
      id: deviceId(system, kind, n),
      last_report_at: reported,
      name,
      serial_number: serial,
      status: 'normal',
      active: true,
    });
    const devices: Record<string, Device[]> = {
      micros: system.micros.map((m, n) => ({
        ...base(1, n, `Microinverter ${m.serial}`, m.serial),
        part_number: '800-01391-r02',
        sku: m.sku,
        model: m.sku.split('-')[0]!,
        product_name: m.sku.split('-')[0]!,
      })),
      gateways: [
        {
          ...base(4, 0, `Gateway ${system.envoySerial}`, system.envoySerial),
          part_number: '800-00654-r08',
          emu_sw_version: 'D7.6.175 (f79c8d)',
          sku: 'SC100G-M230ROW',
          model: 'IQ Gateway',
          product_name: 'IQ Gateway',
          ...(system.connectionType === 'cellular'
            ? {
                cellular_modem: {
                  imei: String(hash32(ctx.options.seed, SALT.profile, system.id, 98)).padStart(15, '3'),
                  part_num: '860-00157-r01',
                  sku: 'CELLMODEM-M1-06-SP-05',
                  plan_start_date: system.operationalAt,
                  plan_end_date: system.operationalAt + 5 * 365 * 86_400,
                },
              }
            : {}),
        },
      ],
    };
    const meters: Device[] = [];
    if (system.productionMeter) {
      meters.push({
        ...base(6, 0, 'production', system.productionMeter.serial),
        part_number: '800-00655-r08',
        sku: null,
        model: 'Envoy S',
        state: 'enabled',
        config_type: 'Production',
        product_name: 'RGM',
      });
    }
    if (system.consumptionMeter) {
      meters.push({
        ...base(6, 1, 'consumption', system.consumptionMeter.serial),
        part_number: '800-00655-r08',
        sku: null,
        model: 'Envoy S',
        state: 'enabled',
        config_type: 'Net',
        product_name: 'CT',
      });
    }
    if (meters.length > 0) devices.meters = meters;
    const encharges = system.batteries.filter((b) => b.type === 'encharge');
    const acbs = system.batteries.filter((b) => b.type === 'acb');
    if (encharges.length > 0) {
      devices.encharges = encharges.map((b, n) => ({
        ...base(2, n, `IQ Battery ${b.serial}`, b.serial),
        part_number: '800-00562-r01',
        sku: b.sku,
        model: '',
        product_name: b.capacityWh > 5_000 ? 'IQ Battery 10T' : 'IQ Battery 3T',
      }));
      const enpower = `${system.envoySerial.slice(0, 10)}EP`;
      devices.enpowers = [
        {
          ...base(7, 0, `IQ System Controller ${enpower}`, enpower),
          part_number: '800-01135-r02',
          sku: 'EP200G101-M240US00',
          model: '',
          product_name: 'IQ System Controller',
        },
      ];
    }
    if (acbs.length > 0) {
      devices.acbs = acbs.map((b, n) => ({
        ...base(3, n, `AC Battery ${b.serial}`, b.serial),
        part_number: '800-00560-r03',
        sku: b.sku,
        model: '',
        product_name: 'ACB',
      }));
    }
    if (system.evChargerSerials.length > 0) {
      devices.ev_chargers = system.evChargerSerials.map((serial, n) => ({
        ...base(5, n, `IQ EV Charger ${serial}`, serial),
        part_number: '861-02006 09',
        sku: 'IQ-EVSE-NA-1060-0100-0100',
        model: 'IQ-EVSE-60R',
        firmware: 'v0.04.17',
      }));
    }
    const body: DevicesBody = {
      system_id: system.id,
      total_devices: Object.values(devices).reduce((sum, list) => sum + list.length, 0),
      items: 'devices',
      devices,
    };
    return body;
  });

  app.get('/api/v4/systems/retrieve_system_id', async (request, reply) => {
    const serial = stringParam(request.query, 'serial_num');
    if (!serial) return ctx.reply422(reply, 'Provide envoy serial number');
    const system = ctx.fleet.systems().find((s) => s.envoySerial === serial);
    if (!system) return sendError(reply, 404, errorBody(404, 'Envoy not found with this serial number'));
    return { system_id: system.id };
  });

  app.get('/api/v4/systems/inverters_summary_by_envoy_or_site', async (request, reply) => {
    const siteId = intParam(request.query, 'site_id');
    const envoy = stringParam(request.query, 'envoy_serial_number');
    if (siteId === undefined && envoy === undefined)
      return ctx.reply422(reply, 'Envoy serial number or Site id mandatory');
    const page = intParam(request.query, 'page') ?? 1;
    const size = intParam(request.query, 'size') ?? 10;
    if (Number.isNaN(page) || page < 1 || Number.isNaN(size) || size < 1 || size > 100) {
      return ctx.reply422(reply, "Invalid request because of 'page must be ≥ 1 and size between 1 and 100'");
    }
    const system =
      siteId !== undefined && !Number.isNaN(siteId)
        ? ctx.fleet.system(siteId)
        : ctx.fleet.systems().find((s) => s.envoySerial === envoy);
    if (!system || (envoy !== undefined && system.envoySerial !== envoy)) {
      return ctx.reply422(
        reply,
        "Invalid request because of 'no active envoy found for the given site id or envoy serial number'",
      );
    }
    const now = ctx.nowSec();
    const model = ctx.fleet.model(system.id);
    const latest = latestMicroInterval(model, now);
    const micros = system.micros.slice((page - 1) * size, page * size);
    const body: InvertersBody = [
      {
        signal_strength: 5,
        micro_inverters: micros.map((m, k) => {
          const i = (page - 1) * size + k;
          return {
            id: deviceId(system, 1, i),
            serial_number: m.serial,
            model: m.sku.split('-')[0]!,
            part_number: '800-01391-r02',
            sku: m.sku,
            status: 'normal',
            power_produced: {
              value: latest ? (model.micro(i, latest.endAt, now)?.powr ?? 0) : 0,
              units: 'W',
              precision: 0,
            },
            proc_load: '520-00082-r01-v04.27.04',
            param_table: '540-00242-r01-v04.27.09',
            envoy_serial_number: system.envoySerial,
            energy: { value: microEnergyToday(model, i, now), units: 'Wh', precision: 0 },
            grid_profile: 'IEEE 1547:2018 SA/HI',
            last_report_date: lastReportAt(system, now),
          };
        }),
      },
    ];
    return body;
  });
}
