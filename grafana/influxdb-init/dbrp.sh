#!/bin/sh
# One-shot (docker-compose.yml, service influxdb-dbrp): maps InfluxQL's database "enphase" and
# retention policy "autogen" to the bucket "enphase", so Grafana's InfluxQL data source can query
# InfluxDB 2.x. Idempotent: does nothing when the mapping exists. The influx CLI reads
# INFLUX_HOST, INFLUX_TOKEN and INFLUX_ORG from the environment.
set -eu
bucket="${INFLUX_BUCKET:-enphase}"
if influx v1 dbrp list --db "$bucket" 2>/dev/null | grep -q "$bucket"; then
  echo "DBRP mapping for $bucket exists"
  exit 0
fi
bucket_id="$(influx bucket list --name "$bucket" --hide-headers | cut -f1)"
influx v1 dbrp create --db "$bucket" --rp autogen --bucket-id "$bucket_id" --default
echo "DBRP mapping created: $bucket/autogen -> bucket $bucket ($bucket_id)"
