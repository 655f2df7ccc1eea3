{{/* Labels every object of the release carries. */}}
{{- define "mu.labels" -}}
app.kubernetes.io/part-of: mu
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* An image of the project: <registry>/<name>:<tag>, the tag the chart's appVersion unless set. */}}
{{- define "mu.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.registry .name (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- end -}}

{{/* What every Mu container runs as: not root, nothing written, nothing gained. */}}
{{- define "mu.containerSecurity" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: 65532
  runAsGroup: 65532
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities: {drop: [ALL]}
  seccompProfile: {type: RuntimeDefault}
{{- end -}}

{{- define "mu.pullSecrets" -}}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ if kindIs "map" . }}{{ .name }}{{ else }}{{ . }}{{ end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The metric stream's address, as the activator-lb dials it. */}}
{{- define "mu.controllerStream" -}}
{{- printf "ws://mu-controller.%s.svc:8080" .Release.Namespace -}}
{{- end -}}

{{/* A duration of the chart's one form (a whole number and ms, s, m or h; the schema checks it) in milliseconds. */}}
{{- define "mu.millis" -}}
{{- $n := regexFind "^[0-9]+" . -}}
{{- $unit := trimPrefix $n . -}}
{{- mul (int64 $n) (get (dict "ms" 1 "s" 1000 "m" 60000 "h" 3600000) $unit) -}}
{{- end -}}
