{{- define "slipway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "slipway.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "slipway.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "slipway.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "slipway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "slipway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end }}

{{- define "slipway.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "slipway.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: slipway
{{- end }}

{{- define "slipway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "slipway.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "slipway.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The subject every binding of the chart grants to. */}}
{{- define "slipway.subject" -}}
- kind: ServiceAccount
  name: {{ include "slipway.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
{{- end }}

{{/* Fails rendering when a rule would grant "*" (the chart's RBAC lists verbs and resources). */}}
{{- define "slipway.noWildcards" -}}
{{- range . }}
{{- if or (has "*" (default list .verbs)) (has "*" (default list .resources)) (has "*" (default list .apiGroups)) }}
{{- fail (printf "rbac: a rule may not use \"*\" (verbs, resources or apiGroups): %v" .) }}
{{- end }}
{{- end }}
{{- end }}

{{/* The Deployment of the unsharded controller or of one shard: dict "root" $ "shard" KEY-or-"". */}}
{{- define "slipway.deploymentName" -}}
{{- if .shard }}
{{- printf "%s-%s" (include "slipway.fullname" .root) .shard | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- include "slipway.fullname" .root }}
{{- end }}
{{- end }}

{{/* A shard's pods carry component shard-KEY, so the unsharded Deployment's selector does not match them. */}}
{{- define "slipway.podSelectorLabels" -}}
{{- if .shard }}
app.kubernetes.io/name: {{ include "slipway.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ printf "shard-%s" .shard | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- include "slipway.selectorLabels" .root }}
{{- end }}
{{- end }}
