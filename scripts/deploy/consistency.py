"""What the schemas cannot see in the deployment files (`make test-deploy`,
run by scripts/deploy/check.sh in its venv): that docker-compose.yml and
deploy/k8s/ agree with the server's code and with each other, and that
Compose's nginx renders deploy/nginx/dreamseed.conf completely.

- every environment variable given to a `dreamseed` container is one that
  server/src/config.rs reads (a misspelled one would be ignored silently);
- production's requirements (config.rs): ENVIRONMENT=production with a
  SECRET_KEY (in Compose: required, `${SECRET_KEY:?...}`) and METRICS_ADDR or
  METRICS_TOKEN;
- the probe paths exist in server/src/rest/health.rs, the ports match PORT,
  and the stop grace periods exceed the server's SHUTDOWN_GRACE (serve.rs);
- Compose: start order (migrate, then healthy replicas, then nginx),
  TRUSTED_PROXIES = the network's subnet, and nginx's template: mounted where
  the official image renders it, every placeholder given one line, rendered
  with the image's envsubst rule, upstream = the replica services; `nginx -t`
  on the result when /usr/sbin/nginx exists and can resolve the upstream;
- Kubernetes: kustomization.yaml lists every manifest (but the example
  Secret), the job runs `dreamseed migrate` with the Deployment's image.

Prints one line per failure and exits 1 if any; the caller prints the passes.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COMPOSE = os.path.join(ROOT, "docker-compose.yml")
K8S = os.path.join(ROOT, "deploy", "k8s")
TEMPLATE = os.path.join(ROOT, "deploy", "nginx", "dreamseed.conf")
NGINX = "/usr/sbin/nginx"
# Where the official nginx image renders templates, and the one name whose
# output replaces its default server.
TEMPLATE_TARGET = "/etc/nginx/templates/default.conf.template"
# The example Secret is applied by hand, never by `kubectl apply -k`.
NOT_IN_KUSTOMIZATION = {"kustomization.yaml", "secret.example.yaml"}

failures = []


def fail(where, message):
    failures.append(f"{os.path.relpath(where, ROOT)}: {message}")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def source(path, pattern, what):
    """The first group of `pattern` in a source file; exits if it is missing."""
    match = re.search(pattern, read(os.path.join(ROOT, path)))
    if match is None:
        sys.exit(f"{path}: cannot find {what} (pattern {pattern!r}): update scripts/deploy/consistency.py")
    return match.group(1)


# ---- what the code says -----------------------------------------------------

def config_variables():
    """Every variable name server/src/config.rs mentions (its tests excluded),
    and the ones clap reads from the environment in cli.rs."""
    text = read(os.path.join(ROOT, "server", "src", "config.rs")).split("#[cfg(test)]")[0]
    names = set(re.findall(r'"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{3,})"', text))
    names |= set(re.findall(r'env = "([A-Z_]+)"', read(os.path.join(ROOT, "server", "src", "cli.rs"))))
    if "SECRET_KEY" not in names or "DATABASE_URL" not in names:
        sys.exit("server/src/config.rs: its variable names were not found: update scripts/deploy/consistency.py")
    return names


VARIABLES = config_variables()
HEALTH = set(re.findall(r'path = "(/[a-z]+)"', read(os.path.join(ROOT, "server", "src", "rest", "health.rs"))))
SHUTDOWN_GRACE = int(source("server/src/serve.rs",
                            r"SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs\((\d+)\)",
                            "SHUTDOWN_GRACE"))
IMAGE_PORT = source("Dockerfile", r"\bPORT=(\d+)", "the image's PORT")
IMAGE_USER = int(source("Dockerfile", r"(?m)^USER (\d+):\d+", "the image's numeric USER"))
for path in ("/healthz", "/ready"):
    if path not in HEALTH:
        sys.exit(f"server/src/rest/health.rs: no {path} route: the probes of the deployment files need it")


def check_environment(where, label, env):
    """`env`: the variables one `dreamseed` container (`label`) gets (name -> value)."""
    for name in sorted(env):
        if name not in VARIABLES:
            fail(where, f"{label}: {name} is not a variable the server reads (server/src/config.rs)")
    if env.get("ENVIRONMENT") != "production":
        fail(where, f"{label}: ENVIRONMENT must be production")
    if "SECRET_KEY" not in env:
        fail(where, f"{label}: no SECRET_KEY: production refuses to start without one")
    if "METRICS_ADDR" not in env and "METRICS_TOKEN" not in env:
        fail(where, f"{label}: neither METRICS_ADDR nor METRICS_TOKEN: production refuses to start without one")


def seconds(value):
    """A Compose duration such as 20s, 1m30s or 90 (seconds)."""
    if isinstance(value, (int, float)):
        return value
    total = 0
    for amount, unit in re.findall(r"(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)", str(value)):
        total += float(amount) * {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}[unit]
    return total


# ---- docker-compose.yml --------------------------------------------------------

def compose_checks():
    with open(COMPOSE, encoding="utf-8") as f:
        compose = yaml.safe_load(f)
    services = compose.get("services", {})
    ours = {name: s for name, s in services.items() if str(s.get("image", "")).startswith("dreamseed-admin")}
    replicas = sorted(name for name, s in ours.items() if (s.get("command") or ["serve"]) == ["serve"])
    migrate = [name for name, s in ours.items() if s.get("command") == ["migrate"]]
    if len(replicas) != 3:
        fail(COMPOSE, f"expected 3 replica services of dreamseed-admin, found {replicas}")
    if len(migrate) != 1:
        fail(COMPOSE, f"expected one service running `dreamseed migrate`, found {migrate}")

    ipam = compose.get("networks", {}).get("default", {}).get("ipam", {})
    subnets = [c.get("subnet") for c in ipam.get("config", [])]
    for name, service in ours.items():
        env = service.get("environment") or {}
        if not isinstance(env, dict):
            fail(COMPOSE, f"services.{name}.environment: write it as a mapping")
            continue
        check_environment(COMPOSE, f"services.{name}", env)
        if not str(env.get("SECRET_KEY", "")).startswith("${SECRET_KEY:?"):
            fail(COMPOSE, f"services.{name}: SECRET_KEY must be required from the environment (${{SECRET_KEY:?...}})")
        if env.get("TRUST_PROXY_HEADERS") is not None and [env.get("TRUSTED_PROXIES")] != subnets:
            fail(COMPOSE, f"services.{name}: TRUSTED_PROXIES {env.get('TRUSTED_PROXIES')!r} "
                        f"is not the network's subnet {subnets}")

    # The image's PORT unless the service sets its own.
    port = IMAGE_PORT
    for name in replicas:
        service = ours[name]
        port = str(service["environment"].get("PORT", port))
        depends = service.get("depends_on") or {}
        wanted = {"postgres": "service_healthy", "redis": "service_healthy"}
        wanted.update({m: "service_completed_successfully" for m in migrate})
        for dependency, condition in wanted.items():
            got = (depends.get(dependency) or {}).get("condition") if isinstance(depends, dict) else None
            if got != condition:
                fail(COMPOSE, f"services.{name}.depends_on.{dependency}: condition {got!r}, expected {condition}")
        test = " ".join(map(str, (service.get("healthcheck") or {}).get("test", [])))
        if f"http://127.0.0.1:{port}/ready" not in test:
            fail(COMPOSE, f"services.{name}.healthcheck must ask http://127.0.0.1:{port}/ready")
        if seconds(service.get("stop_grace_period", "10s")) <= SHUTDOWN_GRACE:
            fail(COMPOSE, f"services.{name}.stop_grace_period must exceed the server's {SHUTDOWN_GRACE} s grace")

    nginx = services.get("nginx")
    if nginx is None:
        fail(COMPOSE, "no nginx service")
        return
    for name in replicas:
        got = ((nginx.get("depends_on") or {}).get(name) or {}).get("condition")
        if got != "service_healthy":
            fail(COMPOSE, f"services.nginx.depends_on.{name}: condition {got!r}, expected service_healthy")
    nginx_template(nginx, replicas, port)


def nginx_template(nginx, replicas, port):
    """The template as the official image renders it with the service's values."""
    mounts = [v for v in nginx.get("volumes", []) if isinstance(v, str) and v.split(":")[1:2] == [TEMPLATE_TARGET]]
    if not mounts or os.path.normpath(os.path.join(ROOT, mounts[0].split(":")[0])) != TEMPLATE:
        fail(COMPOSE, f"services.nginx must mount ./deploy/nginx/dreamseed.conf at {TEMPLATE_TARGET}")
    env = {k: str(v) for k, v in (nginx.get("environment") or {}).items()}
    filter_ = env.get("NGINX_ENVSUBST_FILTER")
    if not filter_:
        fail(COMPOSE, "services.nginx: set NGINX_ENVSUBST_FILTER, or envsubst may replace nginx's own $variables")
        filter_ = ""
    # The image's 20-envsubst-on-templates.sh: every variable whose name
    # matches the filter (an awk regular expression, or a prefix in the
    # image's newer perl version: both agree on a plain prefix) is replaced,
    # as $NAME or ${NAME}, everywhere in the file, comment lines included.
    names = {k for k in env if re.search(filter_, k)}
    template = read(TEMPLATE)
    wanted = {m for line in template.splitlines() if not line.lstrip().startswith("#")
              for m in re.findall(r"\$\{(DREAMSEED_[A-Z_]+)\}", line)}
    if wanted - names:
        fail(COMPOSE, f"services.nginx: no value for the template's {sorted(wanted - names)}")
    if names - wanted:
        fail(COMPOSE, f"services.nginx: {sorted(names - wanted)} are not placeholders of the template")
    for name in sorted(names):
        if "\n" in env[name]:
            fail(COMPOSE, f"services.nginx: {name} spans lines (the template names it in comment lines too)")

    def fill(match):
        name = match.group(1) or match.group(2)
        return env[name] if name in names else match.group(0)

    rendered = re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)", fill, template)
    envsubst = shutil.which("envsubst")
    if envsubst:
        # The image's own tool, when this machine has it too: the same result.
        shell_format = " ".join(f"${{{n}}}" for n in sorted(names))
        real = subprocess.run([envsubst, shell_format], input=template, capture_output=True, text=True,
                              env={n: env[n] for n in names}, check=True).stdout
        if real != rendered:
            fail(TEMPLATE, "envsubst renders it differently from this check's rule")
    left = {m for line in rendered.splitlines() if not line.lstrip().startswith("#")
            for m in re.findall(r"\$\{?DREAMSEED_[A-Z_]*\}?", line)}
    if left:
        fail(TEMPLATE, f"{sorted(left)} left after rendering with Compose's values")

    servers = re.findall(r"\bserver\s+([A-Za-z0-9_.-]+):(\d+)", env.get("DREAMSEED_SERVERS", ""))
    if sorted(host for host, _ in servers) != replicas:
        fail(COMPOSE, f"services.nginx: the upstream lists {servers}, expected the replicas {replicas}")
    for host, server_port in servers:
        if server_port != port:
            fail(COMPOSE, f"services.nginx: upstream {host}:{server_port}, but the replicas listen on {port}")
    nginx_test(rendered)


def nginx_test(rendered):
    """`nginx -t` on the rendered file, included in http{} as the image's
    nginx.conf does. The upstream's hosts resolve only on Compose's network:
    when nginx stops there, say so and go on."""
    if not os.access(NGINX, os.X_OK):
        print(f"  nginx -t: skipped ({NGINX} is missing; make nginx installs it)")
        return
    with tempfile.TemporaryDirectory() as prefix:
        os.makedirs(os.path.join(prefix, "conf.d"))
        with open(os.path.join(prefix, "conf.d", "default.conf"), "w") as f:
            f.write(rendered)
        main = os.path.join(prefix, "nginx.conf")
        with open(main, "w") as f:
            f.write("events {}\nhttp {\n    include conf.d/*.conf;\n}\n")
        result = subprocess.run([NGINX, "-t", "-q", "-p", prefix + "/", "-c", main,
                                 "-e", os.path.join(prefix, "error.log"), "-g", f"pid {prefix}/nginx.pid;"],
                                capture_output=True, text=True)
    if result.returncode == 0:
        print("  nginx -t: the rendered configuration is accepted")
    elif "host not found in upstream" in result.stderr:
        print("  nginx -t: skipped (the replicas' names resolve only on Compose's network; "
              "make test-cluster runs nginx -t on the same template)")
    else:
        fail(TEMPLATE, f"nginx -t refuses it as Compose renders it:\n{result.stderr}")


# ---- deploy/k8s --------------------------------------------------------------

def k8s_checks():
    files = sorted(f for f in os.listdir(K8S) if f.endswith((".yaml", ".yml")))
    kustomization = os.path.join(K8S, "kustomization.yaml")
    with open(kustomization, encoding="utf-8") as f:
        listed = yaml.safe_load(f).get("resources", [])
    expected = [f for f in files if f not in NOT_IN_KUSTOMIZATION]
    if sorted(listed) != expected:
        fail(kustomization, f"resources {sorted(listed)}, expected every manifest but the example Secret: {expected}")

    objects = {}
    for name in files:
        if name == "kustomization.yaml":
            continue
        with open(os.path.join(K8S, name), encoding="utf-8") as f:
            for doc in yaml.safe_load_all(f):
                if doc:
                    objects[(doc["kind"], doc["metadata"]["name"])] = (os.path.join(K8S, name), doc)

    def get(kind, name):
        if (kind, name) not in objects:
            fail(K8S, f"no {kind} {name}")
            return None, {}
        return objects[(kind, name)]

    _, config = get("ConfigMap", "dreamseed-config")
    _, secret = get("Secret", "dreamseed-secrets")
    shared = dict(config.get("data", {}))
    shared.update({k: "(secret)" for k in {**secret.get("data", {}), **secret.get("stringData", {})}})
    port = int(shared.get("PORT", IMAGE_PORT))

    deployment_path, deployment = get("Deployment", "dreamseed")
    job_path, job = get("Job", "dreamseed-migrate")
    images = set()
    for path, workload, args in ((deployment_path, deployment, ["serve"]), (job_path, job, ["migrate"])):
        if not workload:
            continue
        pod = workload["spec"]["template"]["spec"]
        container = pod["containers"][0]
        images.add(container.get("image"))
        if container.get("args") != args:
            fail(path, f"the container's args are {container.get('args')}, expected {args}")
        refs = {(ref.get("configMapRef") or ref.get("secretRef") or {}).get("name")
                for ref in container.get("envFrom", [])}
        if refs != {"dreamseed-config", "dreamseed-secrets"}:
            fail(path, f"envFrom {sorted(map(str, refs))}, expected dreamseed-config and dreamseed-secrets")
        env = dict(shared)
        env.update({e["name"]: e.get("value", "") for e in container.get("env", [])})
        check_environment(path, f"{workload['kind']} {workload['metadata']['name']}", env)
        security = pod.get("securityContext", {})
        # The image's own user, by number, so the kubelet can check runAsNonRoot.
        if not (security.get("runAsNonRoot") and security.get("runAsUser") == IMAGE_USER):
            fail(path, f"set runAsNonRoot with runAsUser {IMAGE_USER} (the Dockerfile's USER)")
    if len(images) != 1:
        fail(job_path, f"the job's image differs from the Deployment's: {sorted(map(str, images))}")

    if deployment:
        pod = deployment["spec"]["template"]["spec"]
        container = pod["containers"][0]
        ports = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
        if ports.get("http") != port:
            fail(deployment_path, f"container port http is {ports.get('http')}, but PORT is {port}")
        for probe, path in (("readinessProbe", "/ready"), ("livenessProbe", "/healthz")):
            got = container.get(probe, {}).get("httpGet", {}).get("path")
            if got != path:
                fail(deployment_path, f"{probe} asks {got}, expected {path}")
        sleep = container.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", [])
        pre_stop = int(sleep[1]) if sleep[:1] == ["sleep"] else 0
        if pod.get("terminationGracePeriodSeconds", 30) <= pre_stop + SHUTDOWN_GRACE:
            fail(deployment_path, f"terminationGracePeriodSeconds must exceed the preStop sleep ({pre_stop} s) "
                                  f"plus the server's {SHUTDOWN_GRACE} s grace")
        strategy = deployment["spec"].get("strategy", {}).get("rollingUpdate", {})
        if strategy.get("maxUnavailable") != 0:
            fail(deployment_path, "rollingUpdate.maxUnavailable must be 0")
        service_path, service = get("Service", "dreamseed")
        if service:
            selector = service["spec"].get("selector", {})
            labels = deployment["spec"]["template"]["metadata"].get("labels", {})
            if not selector or any(labels.get(k) != v for k, v in selector.items()):
                fail(service_path, "its selector does not select the Deployment's pods")
            for p in service["spec"].get("ports", []):
                target = p.get("targetPort")
                if ports.get(target, target) != port:
                    fail(service_path, f"targetPort {target} is not the container's port {port}")


compose_checks()
k8s_checks()
for failure in failures:
    print(f"FAIL {failure}", file=sys.stderr)
sys.exit(1 if failures else 0)
