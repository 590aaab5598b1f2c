// Embedded MQTT broker for `make demo`: Moquette 0.17 on 127.0.0.1:<port>, anonymous, in memory.
// Run (single-file source launch, JDK 11+):
//   java -cp 'target/demo-broker/lib/*' tools/demo-broker/DemoBroker.java <port>
// Prints "READY" once the listener is bound; runs until killed (SIGTERM stops it cleanly).

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.log4j.BasicConfigurator;
import org.apache.log4j.Level;
import org.apache.log4j.Logger;

public class DemoBroker {
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: DemoBroker <port> [host]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        String host = args.length > 1 ? args[1] : "127.0.0.1";

        BasicConfigurator.configure();
        Logger.getRootLogger().setLevel(Level.WARN);

        Path data = Files.createTempDirectory("mqttload-demo-broker");
        Properties p = new Properties();
        p.setProperty("host", host);
        p.setProperty("port", Integer.toString(port));
        p.setProperty("allow_anonymous", "true");
        p.setProperty("allow_zero_byte_client_id", "true");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("data_path", data.toString());
        p.setProperty("websocket_port", "disabled");
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("use_metrics", "false");
        p.setProperty("use_bugsnag", "false");
        p.setProperty("netty.tcp_nodelay", "true");
        p.setProperty("netty.mqtt.message_size", Integer.toString(16 * 1024 * 1024));
        p.setProperty("immediate_buffer_flush", "true");
        p.setProperty("buffer_flush_millis", "0");
        p.setProperty("session_queue_size", "65536");

        Server server = new Server();
        server.startServer(new MemoryConfig(p));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stopServer();
            } finally {
                stopped.countDown();
            }
        }, "demo-broker-stop"));
        System.out.println("READY " + host + ":" + server.getPort());
        System.out.flush();
        stopped.await();
    }
}
