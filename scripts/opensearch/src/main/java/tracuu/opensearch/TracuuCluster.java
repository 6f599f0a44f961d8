package tracuu.opensearch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.codelibs.opensearch.runner.node.OpenSearchRunnerNode;
import org.opensearch.action.admin.cluster.health.ClusterHealthResponse;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.env.Environment;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

import sun.misc.Signal;

/**
 * Runs a small OpenSearch cluster on 127.0.0.1: N real nodes in this one JVM, each with its own data directory,
 * HTTP port and transport port, discovering each other over the transport ports.
 *
 * <p>Settings come from the environment (see scripts/opensearch/run). Once every node has joined and the cluster
 * is at least yellow it prints one line starting "OpenSearch ready:", then one "node I: URL" line per node.
 * SIGINT and SIGTERM close every node and exit 0. Standard input takes commands, one a line, so that a test can
 * take one node away and bring it back: "stop I", "start I" (I counts from 1); each is answered by one line
 * starting "ok" or "error".
 */
public final class TracuuCluster {

    static final String CLUSTER_NAME = "tracuu-dev";

    static final String HOST = "127.0.0.1";

    // OpenSearch's log configuration sends System.out and System.err to its logger; what is meant for the person
    // or the test that started us goes to the streams as they were before.
    private static final PrintStream OUT = System.out;
    private static final PrintStream ERR = System.err;

    // What tracuu needs: HTTP and transport (netty4), the standard analyzers and filters (common analysis),
    // scripts in queries and updates (painless), extra field types (mapper extras), and reindex for rebuilding
    // an index behind an alias.
    static final List<String> MODULES = List.of(
            "org.opensearch.transport.Netty4Plugin",
            "org.opensearch.analysis.common.CommonAnalysisPlugin",
            "org.opensearch.painless.PainlessPlugin",
            "org.opensearch.index.mapper.MapperExtrasPlugin",
            "org.opensearch.index.reindex.ReindexPlugin");

    private final Path base;
    private final int[] httpPorts;
    private final int[] transportPorts;
    private final List<Class<? extends Plugin>> plugins;
    private final List<Node> nodes = new ArrayList<>();
    private final Object lock = new Object();
    private boolean closing;
    private boolean loggingConfigured;

    private TracuuCluster(Path base, int[] httpPorts, int[] transportPorts, List<Class<? extends Plugin>> plugins) {
        this.base = base;
        this.httpPorts = httpPorts;
        this.transportPorts = transportPorts;
        this.plugins = plugins;
    }

    public static void main(String[] args) throws Exception {
        int basePort = envInt("OPENSEARCH_HTTP_PORT", 9200);
        int count = envInt("OPENSEARCH_NODES", 2);
        Path base = Paths.get(env("OPENSEARCH_DATA", "data/opensearch")).toAbsolutePath().normalize();
        long readyTimeout = envInt("OPENSEARCH_READY_TIMEOUT", 120);
        if (count < 1 || count > 9) {
            fail("OPENSEARCH_NODES must be between 1 and 9, not " + count);
        }
        if (basePort < 0 || basePort + count - 1 > 65535) {
            fail("OPENSEARCH_HTTP_PORT must be 0 (any free port) or a port number, not " + basePort);
        }

        Files.createDirectories(base);
        // OpenSearch's own node lock would also refuse a second cluster on these directories, but with a long
        // stack trace; this says it in one line. Held until the JVM exits.
        FileChannel lockFile = FileChannel.open(base.resolve("cluster.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock held = lockFile.tryLock();
        if (held == null) {
            fail("another OpenSearch cluster is running on " + base + " (set OPENSEARCH_DATA to use another directory)");
        }

        int[] httpPorts = new int[count];
        for (int i = 0; i < count; i++) {
            httpPorts[i] = basePort == 0 ? 0 : basePort + i;
            if (httpPorts[i] != 0 && !isFree(httpPorts[i])) {
                fail("port " + httpPorts[i] + " on " + HOST + " is in use (another OpenSearch running?); "
                        + "set OPENSEARCH_HTTP_PORT to another port");
            }
        }
        // Transport ports are fixed for the life of this process, so that a node restarted with "start I" is found
        // again by the others at the address they knew.
        int[] transportPorts = freePorts(count);

        List<Class<? extends Plugin>> plugins = new ArrayList<>();
        for (String name : MODULES) {
            plugins.add(Class.forName(name).asSubclass(Plugin.class));
        }

        TracuuCluster cluster = new TracuuCluster(base, httpPorts, transportPorts, plugins);
        CountDownLatch stopped = new CountDownLatch(1);
        Signal.handle(new Signal("INT"), sig -> cluster.shutdown(stopped));
        Signal.handle(new Signal("TERM"), sig -> cluster.shutdown(stopped));

        try {
            for (int i = 0; i < count; i++) {
                cluster.startNode(i);
            }
            cluster.awaitHealthy(count, readyTimeout);
        } catch (Exception e) {
            e.printStackTrace(ERR);
            ERR.println("OpenSearch failed to start: " + rootMessage(e));
            cluster.closeAll();
            System.exit(1);
        }
        OUT.printf("OpenSearch ready: http://%s:%d (%d nodes, cluster %s)%n", HOST, cluster.httpPorts[0], count,
                CLUSTER_NAME);
        for (int i = 0; i < count; i++) {
            OUT.printf("node %d: http://%s:%d%n", i + 1, HOST, cluster.httpPorts[i]);
        }
        OUT.flush();

        Thread commands = new Thread(() -> cluster.readCommands(), "tracuu-commands");
        commands.setDaemon(true);
        commands.start();
        stopped.await();
        // Exit from here rather than from the signal handler: System.exit waits for shutdown hooks, which
        // must not run on the thread that is still inside a handler.
        System.exit(0);
    }

    private void startNode(int i) throws Exception {
        String name = "node-" + (i + 1);
        Path home = base.resolve(name);
        Path config = home.resolve("config");
        Files.createDirectories(config);
        Files.createDirectories(home.resolve("data"));
        Path logs = base.resolve("logs");
        Files.createDirectories(logs);
        writeLogConfig(config);

        List<String> seeds = new ArrayList<>();
        for (int port : transportPorts) {
            seeds.add(HOST + ":" + port);
        }
        Settings settings = Settings.builder()
                .put("cluster.name", CLUSTER_NAME)
                .put("node.name", name)
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("path.logs", logs.toString())
                .put("network.host", HOST)
                .put("http.port", httpPorts[i])
                .put("transport.port", transportPorts[i])
                .putList("discovery.seed_hosts", seeds)
                // node-1 alone bootstraps a new cluster, so it never waits for the others; they join it.
                // Ignored once the cluster has formed and its state is on disk.
                .putList("cluster.initial_cluster_manager_nodes", "node-1")
                .putList("node.roles", "cluster_manager", "data", "ingest")
                // Two nodes and the tests share two cores: one processor each keeps thread pools small.
                .put("node.processors", 1)
                // A nearly full development disk must not stop shards from being allocated.
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                // All nodes share one heap: measuring the real heap would charge each node for the others.
                .put("indices.breaker.total.use_real_memory", false)
                .build();
        Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Collections.emptyMap(), config,
                () -> name);
        // Once per JVM: every node logs to the same place, and configuring log4j again stops the first console
        // appender, which closes the JVM's standard output (fd 1 then points at /dev/null).
        synchronized (lock) {
            if (!loggingConfigured) {
                LogConfigurator.registerErrorListener();
                LogConfigurator.configure(environment);
                loggingConfigured = true;
            }
        }
        Files.createDirectories(environment.modulesFile());
        Files.createDirectories(environment.pluginsFile());

        Node node = new OpenSearchRunnerNode(environment, plugins);
        node.start();
        // With http.port 0 the port is known only now; keep it so a restarted node takes the same one.
        httpPorts[i] = node.injector().getInstance(HttpServerTransport.class).boundAddress().publishAddress()
                .getPort();
        synchronized (lock) {
            if (i < nodes.size()) {
                nodes.set(i, node);
            } else {
                nodes.add(node);
            }
        }
    }

    private void awaitHealthy(int count, long timeoutSeconds) {
        Node node = firstOpenNode();
        ClusterHealthResponse health = node.client().admin().cluster().prepareHealth()
                .setWaitForNodes(Integer.toString(count))
                .setWaitForYellowStatus()
                .setTimeout(TimeValue.timeValueSeconds(timeoutSeconds))
                .get();
        if (health.isTimedOut()) {
            throw new IllegalStateException("cluster not ready after " + timeoutSeconds + " s: " + health.getStatus()
                    + " with " + health.getNumberOfNodes() + " of " + count + " nodes");
        }
    }

    private int runningNodes() {
        synchronized (lock) {
            return (int) nodes.stream().filter(node -> !node.isClosed()).count();
        }
    }

    private Node firstOpenNode() {
        synchronized (lock) {
            for (Node node : nodes) {
                if (!node.isClosed()) {
                    return node;
                }
            }
        }
        throw new IllegalStateException("no node is running");
    }

    private void readCommands() {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        try {
            while ((line = in.readLine()) != null) {
                String reply = command(line.trim());
                if (reply != null) {
                    OUT.println(reply);
                    OUT.flush();
                }
            }
        } catch (IOException e) {
            // No usable standard input (a daemon, CI): the cluster runs on without commands.
        }
    }

    private String command(String line) {
        if (line.isEmpty()) {
            return null;
        }
        String[] words = line.split("\\s+");
        if (words.length != 2 || !(words[0].equals("stop") || words[0].equals("start"))) {
            return "error: unknown command '" + line + "' (stop I, start I)";
        }
        int i;
        try {
            i = Integer.parseInt(words[1]) - 1;
        } catch (NumberFormatException e) {
            return "error: not a node number: " + words[1];
        }
        synchronized (lock) {
            if (closing) {
                return "error: shutting down";
            }
            if (i < 0 || i >= nodes.size()) {
                return "error: no node " + words[1] + " (1 to " + nodes.size() + ")";
            }
        }
        try {
            if (words[0].equals("stop")) {
                Node node;
                synchronized (lock) {
                    node = nodes.get(i);
                }
                if (node.isClosed()) {
                    return "error: node " + (i + 1) + " is already stopped";
                }
                closeNode(node);
                return "ok: node " + (i + 1) + " stopped";
            }
            synchronized (lock) {
                if (!nodes.get(i).isClosed()) {
                    return "error: node " + (i + 1) + " is already running";
                }
            }
            startNode(i);
            awaitHealthy(runningNodes(), 60);
            return "ok: node " + (i + 1) + " started: http://" + HOST + ":" + httpPorts[i];
        } catch (Exception e) {
            return "error: " + words[0] + " node " + (i + 1) + ": " + rootMessage(e);
        }
    }

    private void shutdown(CountDownLatch stopped) {
        // A second Ctrl-C while closing must not start a second close.
        synchronized (lock) {
            if (closing) {
                return;
            }
            closing = true;
        }
        Thread closer = new Thread(() -> {
            closeAll();
            OUT.println("OpenSearch stopped");
            OUT.flush();
            stopped.countDown();
        }, "tracuu-shutdown");
        closer.start();
    }

    private void closeAll() {
        List<Node> open;
        synchronized (lock) {
            open = new ArrayList<>(nodes);
        }
        Collections.reverse(open);
        for (Node node : open) {
            try {
                closeNode(node);
            } catch (Exception e) {
                OUT.println("error closing " + node.settings().get("node.name") + ": " + rootMessage(e));
            }
        }
    }

    private static void closeNode(Node node) throws IOException, InterruptedException {
        if (node.isClosed()) {
            return;
        }
        node.close();
        if (!node.awaitClose(30, TimeUnit.SECONDS)) {
            OUT.println("warning: " + node.settings().get("node.name") + " did not close within 30 s");
        }
    }

    // Warnings and errors on the console, everything at INFO in OPENSEARCH_DATA/logs/tracuu-dev.log.
    private static void writeLogConfig(Path config) throws IOException {
        String text = String.join("\n",
                "status = error",
                "appender.console.type = Console",
                "appender.console.name = console",
                "appender.console.layout.type = PatternLayout",
                "appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] %m%n",
                "appender.console.filter.threshold.type = ThresholdFilter",
                "appender.console.filter.threshold.level = warn",
                "appender.file.type = File",
                "appender.file.name = file",
                "appender.file.fileName = ${sys:opensearch.logs.base_path}${sys:file.separator}"
                        + "${sys:opensearch.logs.cluster_name}.log",
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] %m%n",
                // Warnings that every start gives and that need nothing done about them.
                "logger.dangling.name = org.opensearch.gateway.DanglingIndicesState",
                "logger.dangling.level = error",
                "logger.allocation.name = org.opensearch.cluster.routing.allocation.AllocationService",
                "logger.allocation.level = error",
                "rootLogger.level = info",
                "rootLogger.appenderRef.console.ref = console",
                "rootLogger.appenderRef.file.ref = file",
                "");
        Files.writeString(config.resolve("log4j2.properties"), text);
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int[] freePorts(int count) throws IOException {
        // All sockets stay open until every port is picked, so the ports differ.
        List<ServerSocket> sockets = new ArrayList<>();
        int[] ports = new int[count];
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                sockets.add(socket);
                socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
                ports[i] = socket.getLocalPort();
            }
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
        return ports;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static int envInt(String name, int fallback) {
        String value = env(name, null);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            fail(name + " must be a number, not '" + value + "'");
            return fallback;
        }
    }

    private static void fail(String message) {
        ERR.println("OpenSearch: " + message);
        System.exit(1);
    }
}
