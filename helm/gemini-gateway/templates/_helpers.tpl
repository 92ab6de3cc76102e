{{/* Chart name, truncated to the 63 characters a DNS label allows. */}}
{{- define "gemini-gateway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every resource name: release name, plus the chart name when the release does not contain it. */}}
{{- define "gemini-gateway.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "gemini-gateway.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "gemini-gateway.labels" -}}
helm.sh/chart: {{ include "gemini-gateway.chart" . }}
{{ include "gemini-gateway.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "gemini-gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gemini-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: gateway
{{- end }}

{{- define "gemini-gateway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "gemini-gateway.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Name of the Secret the keys and tokens are read from: the user's or the chart's. */}}
{{- define "gemini-gateway.secretName" -}}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else }}
{{- include "gemini-gateway.fullname" . }}
{{- end }}
{{- end }}

{{- define "gemini-gateway.redis.fullname" -}}
{{- printf "%s-redis" (include "gemini-gateway.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "gemini-gateway.redis.labels" -}}
helm.sh/chart: {{ include "gemini-gateway.chart" . }}
{{ include "gemini-gateway.redis.selectorLabels" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "gemini-gateway.redis.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gemini-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: redis
{{- end }}

{{/* "true" when a shared Redis store is configured in any of the three ways. */}}
{{- define "gemini-gateway.redis.enabled" -}}
{{- if or .Values.redis.url .Values.redis.existingSecret .Values.redis.bundled.enabled -}}
true
{{- end -}}
{{- end }}

{{/* Seconds between SIGTERM and SIGKILL: above the preStop sleep plus Spring's shutdown bound. */}}
{{- define "gemini-gateway.terminationGracePeriodSeconds" -}}
{{- $bound := add (int .Values.shutdown.preStopSleepSeconds) (int .Values.shutdown.timeoutSeconds) }}
{{- if .Values.shutdown.terminationGracePeriodSeconds }}
{{- $set := int .Values.shutdown.terminationGracePeriodSeconds }}
{{- if le $set $bound }}
{{- fail (printf "shutdown.terminationGracePeriodSeconds (%d) must exceed shutdown.preStopSleepSeconds + shutdown.timeoutSeconds (%d), or the pod is killed mid-shutdown." $set $bound) }}
{{- end }}
{{- $set }}
{{- else }}
{{- add $bound 10 }}
{{- end }}
{{- end }}

{{/*
Render-time guards. Key state (cooldowns, quarantines, quota ledgers) lives in memory per pod
unless a Redis store is configured, so several pods without Redis would each burn the same
quotas and disagree on which keys are usable.
*/}}
{{- define "gemini-gateway.validate" -}}
{{- $multi := or .Values.autoscaling.enabled (gt (int .Values.replicaCount) 1) }}
{{- if and $multi (not (include "gemini-gateway.redis.enabled" .)) }}
{{- fail "gemini-gateway: more than one replica (replicaCount > 1 or autoscaling.enabled) needs a shared key-state store: set redis.url, redis.existingSecret or redis.bundled.enabled=true. In-memory key state is per pod." }}
{{- end }}
{{- if gt (len (compact (list .Values.redis.url .Values.redis.existingSecret (ternary "bundled" "" .Values.redis.bundled.enabled)))) 1 }}
{{- fail "gemini-gateway: choose one Redis: redis.url, redis.existingSecret or redis.bundled.enabled, not several." }}
{{- end }}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) }}
{{- fail "gemini-gateway: autoscaling.minReplicas must not exceed autoscaling.maxReplicas." }}
{{- end }}
{{- end }}

{{/* The Ingress paths of a host that lists none: the API prefixes, plus the operator paths switched on. */}}
{{- define "gemini-gateway.ingressPaths" -}}
{{- $type := .Values.ingress.pathType }}
{{- $paths := list }}
{{- range .Values.ingress.apiPaths }}
{{- $paths = append $paths (dict "path" . "pathType" $type) }}
{{- end }}
{{- with .Values.ingress.expose }}
{{- if .admin }}
{{- $paths = append $paths (dict "path" "/admin" "pathType" $type) }}
{{- $paths = append $paths (dict "path" "/webjars" "pathType" $type) }}
{{- if not .actuator }}
{{- $paths = append $paths (dict "path" "/actuator/geminikeys" "pathType" $type) }}
{{- $paths = append $paths (dict "path" "/actuator/geminiconsole" "pathType" $type) }}
{{- end }}
{{- end }}
{{- if .actuator }}
{{- $paths = append $paths (dict "path" "/actuator" "pathType" $type) }}
{{- end }}
{{- if .health }}
{{- $paths = append $paths (dict "path" "/health" "pathType" $type) }}
{{- end }}
{{- if .metrics }}
{{- $paths = append $paths (dict "path" "/metrics" "pathType" $type) }}
{{- end }}
{{- end }}
{{- toYaml $paths }}
{{- end }}

{{/*
Reactor Netty event loops: one per CPU of the container's limit (the request when no limit is set), at least one.
Reactor Netty's own default is max(CPUs, 4), and four loops on one or two CPUs contend for them.
*/}}
{{- define "gemini-gateway.eventLoops" -}}
{{- $cpu := toString (or (dig "limits" "cpu" "" .Values.resources) (dig "requests" "cpu" "1" .Values.resources)) -}}
{{- if hasSuffix "m" $cpu -}}
{{- max 1 (div (add (trimSuffix "m" $cpu | int) 999) 1000) -}}
{{- else -}}
{{- max 1 (ceil (float64 $cpu) | int) -}}
{{- end -}}
{{- end -}}
