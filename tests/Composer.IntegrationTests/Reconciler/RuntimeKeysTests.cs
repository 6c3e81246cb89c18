using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Reconciler;

/// <summary>
/// Issue 10 item 2: every service key reaches the engine. One file with many keys, one inspect, many assertions; then
/// the keys with behaviour of their own (hooks, attach, use_api_socket, deploy.replicas) and the ones this engine or
/// kernel refuses, each with the error that names the key.
/// </summary>
public class RuntimeKeysTests
{
    [Fact]
    public async Task Resource_namespace_security_and_logging_keys_reach_the_created_container()
    {
        await using var project = await TestProject.CreateAsync("rtkeys", """
            services:
              app:
                image: composer-busybox:1
                command: ["sleep", "2147483647"]
                init: true
                logging:
                  driver: json-file
                  options: {max-size: 1m, max-file: "2"}
                cpus: 0.5
                cpu_shares: 512
                cpuset: "0"
                mem_limit: 64m
                mem_reservation: 32m
                mem_swappiness: 10
                pids_limit: 100
                oom_score_adj: 500
                security_opt: [no-new-privileges:true]
                cap_add: [NET_ADMIN]
                cap_drop: [MKNOD]
                devices: ["/dev/null:/dev/mynull:rw"]
                device_cgroup_rules: ["c 1:3 mr"]
                sysctls: {net.core.somaxconn: 1024}
                ipc: shareable
                cgroup: private
                group_add: ["4242"]
                dns_opt: ["ndots:2"]
                dns_search: [example.internal]
                domainname: example.internal
                runtime: runc
                isolation: default
                label_file: ./app.labels
                labels: {com.example.own: "yes"}
                deploy:
                  labels: {com.example.swarm: only}
                  restart_policy: {condition: on-failure, max_attempts: 3}
                  resources:
                    limits: {memory: 48m, pids: 50}
                    reservations: {memory: 16m}
              host-ns:
                image: composer-busybox:1
                command: ["sleep", "2147483647"]
                pid: host
                uts: host
                userns_mode: host
                cpu_quota: 50000
                cpu_period: 100000
            """, new Dictionary<string, string> { ["app.labels"] = "com.example.from-file=1\ncom.example.own=overridden\n" });
        await project.RunOkAsync("up", "-d");

        var app = await project.InspectAsync("app");
        var host = app.HostConfig;
        host.LogConfig.Type.Should().Be("json-file");
        host.LogConfig.Config.Should().Contain("max-size", "1m").And.Contain("max-file", "2");
        host.NanoCPUs.Should().Be(500_000_000);
        host.CPUShares.Should().Be(512);
        host.CpusetCpus.Should().Be("0");
        host.Memory.Should().Be(48L << 20, "deploy.resources.limits.memory wins over mem_limit, as in Compose");
        host.MemoryReservation.Should().Be(16L << 20, "deploy.resources.reservations.memory wins over mem_reservation");
        host.MemorySwappiness.Should().Be(10);
        host.PidsLimit.Should().Be(50, "deploy.resources.limits.pids wins over pids_limit");
        host.OomScoreAdj.Should().Be(500);
        host.SecurityOpt.Should().Contain("no-new-privileges:true");
        host.CapAdd.Should().Contain("NET_ADMIN");
        host.CapDrop.Should().Contain("MKNOD");
        host.Devices.Should().ContainSingle(d => d.PathOnHost == "/dev/null" && d.PathInContainer == "/dev/mynull" && d.CgroupPermissions == "rw");
        host.DeviceCgroupRules.Should().Contain("c 1:3 mr");
        host.Sysctls.Should().Contain("net.core.somaxconn", "1024");
        host.IpcMode.Should().Be("shareable");
        host.CgroupnsMode.Should().Be("private");
        host.GroupAdd.Should().Contain("4242");
        (await project.ExecAsync("app", "id", "-G")).Output.Should().Contain("4242");
        host.DNSOptions.Should().Contain("ndots:2");
        host.DNSSearch.Should().Contain("example.internal");
        host.Runtime.Should().Be("runc");
        host.RestartPolicy.Name.Should().Be(global::Docker.DotNet.Models.RestartPolicyKind.OnFailure, "deploy.restart_policy maps as Compose maps it");
        host.RestartPolicy.MaximumRetryCount.Should().Be(3);
        app.Config.Domainname.Should().Be("example.internal");
        app.Config.Labels.Should().Contain("com.example.from-file", "1").And.Contain("com.example.own", "yes")
            .And.NotContainKey("com.example.swarm", "deploy.labels are Swarm service labels: Compose sets them on no container");
        (await project.ExecAsync("app", "cat", "/proc/sys/net/core/somaxconn")).Output.Trim().Should().Be("1024");
        (await project.ExecAsync("app", "ls", "/dev/mynull")).ExitCode.Should().Be(0);

        var other = await project.InspectAsync("host-ns");
        other.HostConfig.PidMode.Should().Be("host");
        other.HostConfig.UTSMode.Should().Be("host");
        other.HostConfig.UsernsMode.Should().Be("host");
        other.HostConfig.CPUQuota.Should().Be(50000);
        other.HostConfig.CPUPeriod.Should().Be(100000);
        (await project.ExecAsync("host-ns", "sh", "-c", "cat /proc/1/comm")).Output.Trim().Should().NotBe("sleep", "pid: host shows the host's init as pid 1");
    }

    [Fact]
    public async Task Swap_oom_realtime_and_platform_reach_the_created_container()
    {
        await using var project = await TestProject.CreateAsync("rtmem", """
            services:
              app:
                image: composer-busybox:1
                command: ["sleep", "2147483647"]
                mem_limit: 64m
                memswap_limit: 128m
                oom_kill_disable: true
                cpu_rt_runtime: 0
                cpu_rt_period: 1000000
                platform: linux/amd64
                isolation: default
            """);
        await project.RunOkAsync("up", "-d");
        var app = await project.InspectAsync("app");
        app.HostConfig.Memory.Should().Be(64L << 20);
        app.HostConfig.MemorySwap.Should().Be(128L << 20);
        app.HostConfig.OomKillDisable.Should().BeTrue();
        app.HostConfig.CPURealtimePeriod.Should().Be(1000000);
        app.HostConfig.Isolation.Should().BeOneOf("default", "");
        app.Platform.Should().Be("linux");
    }

    [Fact]
    public async Task Post_start_and_pre_stop_hooks_run_through_exec()
    {
        await using var project = await TestProject.CreateAsync("rthooks", """
            services:
              app:
                image: composer-busybox:1
                command: ["sleep", "2147483647"]
                init: true
                volumes: ["./out:/out"]
                post_start:
                  - command: ["sh", "-c", "echo started as $$(id -u) in $$PWD with $$GREETING >> /out/hooks"]
                    user: "1000"
                    working_dir: /tmp
                    environment: {GREETING: hello}
                pre_stop:
                  - command: ["sh", "-c", "echo stopping >> /out/hooks"]
            """, new Dictionary<string, string> { ["out/.keep"] = "" });
        Directory.CreateDirectory(Path.Combine(project.Directory, "out"));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(project.Directory, "out"), (UnixFileMode)0x1FF); // the hook runs as uid 1000
        await project.RunOkAsync("up", "-d");
        var hooks = Path.Combine(project.Directory, "out", "hooks");
        File.ReadAllText(hooks).Should().Be("started as 1000 in /tmp with hello\n", "post_start runs after start, before up returns");

        await project.RunOkAsync("stop");
        File.ReadAllText(hooks).Should().Be("started as 1000 in /tmp with hello\nstopping\n");
    }

    [Fact]
    public async Task A_failing_post_start_hook_fails_up_with_its_output()
    {
        await using var project = await TestProject.CreateAsync("rthookfail", """
            services:
              app:
                image: composer-busybox:1
                command: ["sleep", "2147483647"]
                post_start:
                  - command: ["sh", "-c", "echo no database >&2; exit 3"]
            """);
        var result = await project.RunAsync("up", "-d");
        result.ExitCode.Should().Be(1, result.ToString());
        result.Stderr.Should().Contain("post_start hook").And.Contain("exited with code 3").And.Contain("no database");
    }

    [Fact]
    public async Task Use_api_socket_binds_the_engine_socket_and_deploy_replicas_scales()
    {
        await using var project = await TestProject.CreateAsync("rtsocket", """
            services:
              app:
                image: composer-busybox:1
                command: ["sleep", "2147483647"]
                use_api_socket: true
                deploy:
                  replicas: 2
            """);
        await project.RunOkAsync("up", "-d");
        var app = await project.InspectAsync("app");
        app.Mounts.Should().ContainSingle(m => m.Destination == "/var/run/docker.sock" && m.Source == "/var/run/docker.sock");
        (await project.ExecAsync("app", "test", "-S", "/var/run/docker.sock")).ExitCode.Should().Be(0);
        (await project.InspectAsync("app", 2)).State.Running.Should().BeTrue("deploy.replicas: 2 is the scale");
    }

    [Fact]
    public async Task Attach_false_leaves_a_service_out_of_the_attached_output()
    {
        await using var project = await TestProject.CreateAsync("rtattach", """
            services:
              loud:
                image: composer-busybox:1
                command: ["sh", "-c", "echo from-loud; sleep 1"]
              quiet:
                image: composer-busybox:1
                attach: false
                command: ["sh", "-c", "echo from-quiet; sleep 1"]
            """);
        var result = await project.RunAsync("up");
        result.Stderr.Should().Contain($"Attaching to {project.Name}-loud-1").And.NotContain($"{project.Name}-quiet-1,");
        result.Stdout.Should().Contain("from-loud").And.NotContain("from-quiet");
        (await project.LogsAsync("quiet")).Should().Contain("from-quiet", "the service still ran");
    }

    [Fact]
    public async Task Models_and_provider_fail_up_naming_what_this_engine_lacks()
    {
        await using var project = await TestProject.CreateAsync("rtmodels", """
            services:
              client:
                image: composer-busybox:1
                models: [llm]
              ai:
                provider:
                  type: model
                  options: {model: ai/smollm2}
            models:
              llm:
                model: ai/smollm2
            """);
        var result = await project.RunAsync("up", "-d");
        result.ExitCode.Should().Be(1, result.ToString());
        result.Stderr.Should().Contain("service \"client\": 'models' (llm) needs Docker Model Runner")
            .And.Contain("service \"ai\": 'provider' (type \"model\")").And.Contain("Docker Engine 20.10");
        (await project.ContainersAsync()).Should().BeEmpty("nothing is created when the engine cannot run the project");
    }

    [Fact]
    public async Task Keys_this_engine_refuses_fail_with_the_key_named()
    {
        await using var project = await TestProject.CreateAsync("rtrefuse", """
            services:
              gpu:
                image: composer-busybox:1
                command: ["sleep", "2147483647"]
                gpus: all
              annotated:
                image: composer-busybox:1
                annotations: {com.example.note: hello}
              odd-runtime:
                image: composer-busybox:1
                runtime: nvidia
              sized:
                image: composer-busybox:1
                storage_opt: {size: 1G}
              mac:
                image: composer-busybox:1
                mac_address: "02:42:ac:11:00:42"
              windows-cpu:
                image: composer-busybox:1
                cpu_count: 2
                cpu_percent: 50
              process-isolation:
                image: composer-busybox:1
                isolation: process
            """);
        // Each service alone: what the engine or Composer says names the key (and the engine version where it decides).
        (string Service, string[] Expected)[] cases =
        [
            ("gpu", ["'gpus / deploy.resources.reservations.devices'", "device driver"]),
            ("annotated", ["'annotations' needs Engine API 1.43", "Docker Engine 20.10"]),
            ("odd-runtime", ["'runtime'", "nvidia"]),
            ("sized", ["'storage_opt'", "xfs"]),
            ("mac", ["'mac_address'", "API 1.44", "Docker Engine 20.10"]),
            ("windows-cpu", ["'cpu_count' is applied only by a Windows engine", "'cpu_percent'", "Docker Engine 20.10"]),
            ("process-isolation", ["'isolation'", "process"]),
        ];
        foreach (var (service, expected) in cases)
        {
            var result = await project.RunAsync("up", "-d", service);
            result.ExitCode.Should().Be(1, result.ToString());
            foreach (var text in expected) result.Stderr.Should().Contain(text, service);
        }
    }
}
