"""A private rabbitmq-server for the benchmarks (Debian's /usr/lib/rabbitmq/bin/rabbitmq-server).

Its own state directory (data, logs, config, the Erlang cookie under its own HOME), its own epmd on a
private port, free loopback ports; stop() ends only the processes it started (by pid) and removes
the directory. No system-wide RabbitMQ, epmd or cookie is touched.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

BIN = os.environ.get("CELERIAC_RABBITMQ_SERVER", "/usr/lib/rabbitmq/bin/rabbitmq-server")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


class RabbitServer:
    def __init__(self):
        if not os.path.exists(BIN):
            raise SystemExit(f"{BIN} not found: apt-get install rabbitmq-server")
        self.port, self.dist_port, self.epmd_port = _free_port(), _free_port(), _free_port()
        self.dir = tempfile.mkdtemp(prefix="celeriac-bench-rabbit-")
        self.node = f"bench{self.port}@localhost"
        for sub in ("home", "mnesia", "log"):
            os.makedirs(os.path.join(self.dir, sub))
        with open(os.path.join(self.dir, "rabbitmq.conf"), "w") as f:
            f.write(f"listeners.tcp.1 = 127.0.0.1:{self.port}\nloopback_users.guest = false\n"
                    "log.file.level = warning\nlog.console = false\n")
        with open(os.path.join(self.dir, "enabled_plugins"), "w") as f:
            f.write("[].")
        open(os.path.join(self.dir, "rabbitmq-env.conf"), "w").close()
        self.env = dict(os.environ,
                        HOME=os.path.join(self.dir, "home"), RABBITMQ_NODENAME=self.node,
                        RABBITMQ_NODE_IP_ADDRESS="127.0.0.1", RABBITMQ_NODE_PORT=str(self.port),
                        RABBITMQ_DIST_PORT=str(self.dist_port),
                        RABBITMQ_CONFIG_FILE=os.path.join(self.dir, "rabbitmq.conf"),
                        RABBITMQ_MNESIA_BASE=os.path.join(self.dir, "mnesia"),
                        RABBITMQ_LOG_BASE=os.path.join(self.dir, "log"),
                        RABBITMQ_ENABLED_PLUGINS_FILE=os.path.join(self.dir, "enabled_plugins"),
                        RABBITMQ_PID_FILE=os.path.join(self.dir, "beam.pid"),
                        RABBITMQ_CONF_ENV_FILE=os.path.join(self.dir, "rabbitmq-env.conf"),
                        ERL_EPMD_ADDRESS="127.0.0.1", ERL_EPMD_PORT=str(self.epmd_port),
                        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}",
                        RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}")
        self.epmd = subprocess.Popen(["epmd", "-port", str(self.epmd_port), "-address", "127.0.0.1"],
                                     env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.proc = subprocess.Popen([BIN], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.time() + 90
        while not _listening(self.port):
            if self.proc.poll() is not None or time.time() > deadline:
                self.stop()
                raise SystemExit(f"rabbitmq-server did not start (see {self.dir}/log)")
            time.sleep(0.1)
        self.ctl("await_startup")

    def ctl(self, *args):
        ctl = os.path.join(os.path.dirname(BIN), "rabbitmqctl")
        return subprocess.run([ctl, "-n", self.node, *args], env=self.env, check=True,
                              capture_output=True, text=True, timeout=60).stdout

    def url(self, vhost=""):
        return f"amqp://guest:guest@127.0.0.1:{self.port}/{vhost}"

    def stop(self):
        pid_file = os.path.join(self.dir, "beam.pid")
        beam = None
        if os.path.exists(pid_file):
            with open(pid_file) as f:
                text = f.read().strip()
                beam = int(text) if text.isdigit() else None
        for pid in (beam, self.proc.pid):
            if pid:
                try:
                    os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        deadline = time.time() + 30
        while beam and time.time() < deadline:
            try:
                os.kill(beam, 0)
                time.sleep(0.1)
            except ProcessLookupError:
                break
        self.epmd.terminate()
        self.epmd.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)
