package docs.instance.opensearch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

/**
 * Starts one real OpenSearch node in this JVM: the engine from
 * {@code org.opensearch:opensearch} plus the modules a stock OpenSearch
 * distribution loads from its {@code modules/} folder, here taken from the
 * class path (they are published to Maven Central as plain jars).
 *
 * <p>Usage: {@code EmbeddedOpenSearch [--home DIR] [--http-port N]
 * [--transport-port N] [--cluster-name NAME] [--node-name NAME]
 * [--pid-file FILE] [-Ekey=value ...]}. Each option falls back to an
 * environment variable (OPENSEARCH_HOME_DIR, OPENSEARCH_PORT,
 * OPENSEARCH_TRANSPORT_PORT, OPENSEARCH_CLUSTER_NAME, OPENSEARCH_NODE_NAME,
 * OPENSEARCH_PID_FILE). Logs go to standard output (log4j2.properties is
 * written into {@code <home>/config}); opensearch.sh sends them to a file. SIGTERM / SIGINT close the node cleanly.
 */
public final class EmbeddedOpenSearch {

    /** The module plugin classes, in the order a distribution would load them. */
    static final List<String> PLUGIN_CLASSES = List.of(
        "org.opensearch.transport.Netty4Plugin",                            // transport-netty4-client: HTTP + transport
        "org.opensearch.analysis.common.CommonAnalysisPlugin",              // analysis-common
        "org.opensearch.index.mapper.MapperExtrasPlugin",                   // mapper-extras-client: search_as_you_type, ...
        "org.opensearch.join.ParentJoinPlugin",                             // parent-join-client: join, has_child
        "org.opensearch.painless.PainlessPlugin",                           // lang-painless
        "org.opensearch.index.reindex.ReindexPlugin",                       // reindex-client: _reindex, _update_by_query
        "org.opensearch.geo.GeoModulePlugin",                               // geo: geo_bounds / geohex / geotile aggs
        "org.opensearch.search.aggregations.matrix.MatrixAggregationPlugin", // aggs-matrix-stats-client
        "org.opensearch.script.mustache.MustachePlugin",                    // lang-mustache-client: search templates
        "org.opensearch.ingest.common.IngestCommonPlugin"                   // ingest-common: ingest pipelines
    );

    /** A Node whose plugins come from the class path, as OpenSearch's own test node does it. */
    static final class ClasspathNode extends Node {
        ClasspathNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    private EmbeddedOpenSearch() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        Path home = Paths.get(opt(opts, "home", "OPENSEARCH_HOME_DIR", "opensearch-home")).toAbsolutePath();
        String httpPort = opt(opts, "http-port", "OPENSEARCH_PORT", "9200");
        String transportPort = opt(opts, "transport-port", "OPENSEARCH_TRANSPORT_PORT", "9300");
        String clusterName = opt(opts, "cluster-name", "OPENSEARCH_CLUSTER_NAME", "docs-reference");
        String nodeName = opt(opts, "node-name", "OPENSEARCH_NODE_NAME", "node-1");
        String pidFile = opt(opts, "pid-file", "OPENSEARCH_PID_FILE", "");

        Path config = home.resolve("config");
        for (Path dir : List.of(home, config, home.resolve("data"), home.resolve("logs"),
                                home.resolve("plugins"), home.resolve("modules"))) {
            Files.createDirectories(dir);
        }

        Settings.Builder builder = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", clusterName)
            .put("node.name", nodeName)
            .put("network.host", "127.0.0.1")
            .put("http.port", httpPort)
            .put("transport.port", transportPort)
            .put("discovery.type", "single-node")
            // A development instance on a shared disk: do not turn indices read-only
            // when the disk is nearly full (production keeps the watermarks on).
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            // One node: replicas could never be assigned, so new indices default to none
            // (health green instead of yellow). Explicit index settings still win.
            .put("cluster.default_number_of_replicas", 0);
        for (Map.Entry<String, String> e : opts.entrySet()) {
            if (e.getKey().startsWith("E:")) {
                builder.put(e.getKey().substring(2), e.getValue());
            }
        }
        Settings settings = builder.build();

        // Logging as the distribution does it: log4j2.properties in the config folder.
        try (InputStream in = EmbeddedOpenSearch.class.getResourceAsStream("log4j2.properties")) {
            Files.copy(in, config.resolve("log4j2.properties"), StandardCopyOption.REPLACE_EXISTING);
        }
        Environment environment =
            InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), config, () -> nodeName);
        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName(nodeName);
        LogConfigurator.configure(environment);
        installUncaughtExceptionHandler();

        List<Class<? extends Plugin>> plugins = new ArrayList<>();
        for (String name : PLUGIN_CLASSES) {
            plugins.add(Class.forName(name).asSubclass(Plugin.class));
        }

        Node node = new ClasspathNode(environment, plugins);
        CountDownLatch stopped = new CountDownLatch(1);
        Path pid = pidFile.isEmpty() ? null : Paths.get(pidFile).toAbsolutePath();

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                if (!node.awaitClose(30, TimeUnit.SECONDS)) {
                    System.err.println("embedded-opensearch: node did not close within 30 s");
                }
            } catch (Exception e) {
                System.err.println("embedded-opensearch: error while closing: " + e);
            } finally {
                deletePid(pid);
                stopped.countDown();
            }
        }, "embedded-opensearch-shutdown"));

        if (pid != null) {
            Files.createDirectories(pid.getParent());
            Files.writeString(pid, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
        }
        try {
            node.start();
        } catch (Throwable t) {
            System.err.println("embedded-opensearch: failed to start: " + t);
            t.printStackTrace();
            deletePid(pid);
            // halt: skip the shutdown hook, the node never started
            Runtime.getRuntime().halt(1);
        }
        System.out.println("embedded-opensearch: started " + nodeName + " http://127.0.0.1:" + httpPort
            + " (pid " + ProcessHandle.current().pid() + ")");

        // Node threads alone do not keep the JVM alive in every state; keep a non-daemon waiter.
        Thread keepAlive = new Thread(() -> {
            try {
                stopped.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "embedded-opensearch-keepalive");
        keepAlive.setDaemon(false);
        keepAlive.start();
    }

    /**
     * As the distribution's bootstrap does: log uncaught exceptions, and end the JVM on a
     * fatal error rather than run on with a dead thread (a write thread dying on an Error
     * would otherwise leave requests hanging).
     */
    private static void installUncaughtExceptionHandler() {
        Logger logger = LogManager.getLogger(EmbeddedOpenSearch.class);
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (e instanceof VirtualMachineError) {
                try {
                    logger.fatal("fatal error in thread [" + thread.getName() + "], exiting", e);
                } finally {
                    Runtime.getRuntime().halt(1);
                }
            } else {
                logger.error("uncaught exception in thread [" + thread.getName() + "]", e);
            }
        });
    }

    private static void deletePid(Path pid) {
        if (pid == null) {
            return;
        }
        try {
            String content = Files.readString(pid, StandardCharsets.US_ASCII).trim();
            if (content.equals(Long.toString(ProcessHandle.current().pid()))) {
                Files.deleteIfExists(pid);
            }
        } catch (IOException ignored) {
            // already gone
        }
    }

    private static String opt(Map<String, String> opts, String key, String env, String def) {
        String v = opts.get(key);
        if (v == null || v.isEmpty()) {
            v = System.getenv(env);
        }
        return (v == null || v.isEmpty()) ? def : v;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("-E") && a.contains("=")) {
                String kv = a.substring(2);
                int eq = kv.indexOf('=');
                out.put("E:" + kv.substring(0, eq), kv.substring(eq + 1));
            } else if (a.startsWith("--")) {
                String key = a.substring(2);
                String value;
                int eq = key.indexOf('=');
                if (eq >= 0) {
                    value = key.substring(eq + 1);
                    key = key.substring(0, eq);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new IllegalArgumentException("missing value for " + a);
                }
                out.put(key, value);
            } else {
                throw new IllegalArgumentException("unknown argument: " + a);
            }
        }
        return out;
    }
}
