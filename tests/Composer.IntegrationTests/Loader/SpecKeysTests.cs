using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Loader;

/// <summary>
/// Issue 10, the compose-spec keys beyond the service's own: per-network attachment options, ipam options and
/// auxiliary addresses, long-syntax mount options, env_file format raw, build keys on the classic builder, and the
/// keys Engine 20.10 cannot honour refused naming the key and the engine's version.
/// </summary>
public class SpecKeysTests
{
    [Fact]
    public async Task Network_mount_and_env_file_keys_reach_the_created_container_and_network()
    {
        await using var project = await TestProject.CreateAsync("speckeys", """
            services:
              app:
                image: composer-busybox:1
                command: ["sleep", "2147483647"]
                env_file:
                  - path: ./raw.env
                    format: raw
                networks:
                  front:
                    driver_opts: {com.example.endpoint: "yes"}
                    link_local_ips: [169.254.10.7]
                volumes:
                  - type: tmpfs
                    target: /scratch
                    tmpfs: {size: 1m, mode: 0700}
                  - type: volume
                    target: /anon
                    volume: {labels: {com.example.mount: "yes"}}
                  - type: bind
                    source: ./src
                    target: /src
                    consistency: cached
                    bind: {recursive: disabled}
            networks:
              front:
                ipam:
                  options: {com.example.ipam: "yes"}
                  config:
                    - subnet: 10.213.17.0/24
                      aux_addresses: {router: 10.213.17.2}
            """, new Dictionary<string, string> { ["raw.env"] = "QUOTED=\"kept\"\n", ["src/a.txt"] = "a" });
        await project.RunOkAsync("up", "-d");

        var app = await project.InspectAsync("app");
        app.Config.Env.Should().Contain("QUOTED=\"kept\"", "format: raw keeps the quotes, as docker run --env-file does");
        var endpoint = app.NetworkSettings.Networks[$"{project.Name}_front"];
        endpoint.DriverOpts.Should().Contain("com.example.endpoint", "yes");
        endpoint.IPAMConfig.LinkLocalIPs.Should().Contain("169.254.10.7");
        var mounts = app.HostConfig.Mounts;
        var tmpfs = mounts.Single(m => m.Target == "/scratch").TmpfsOptions;
        (tmpfs.SizeBytes, tmpfs.Mode).Should().Be((1L << 20, 448u));
        mounts.Single(m => m.Target == "/anon").VolumeOptions.Labels.Should().Contain("com.example.mount", "yes");
        var src = mounts.Single(m => m.Target == "/src");
        src.Consistency.Should().Be("cached");
        src.BindOptions.NonRecursive.Should().BeTrue();

        var client = await Engine.ClientAsync();
        var network = await client.Networks.InspectNetworkAsync($"{project.Name}_front");
        network.IPAM.Options.Should().Contain("com.example.ipam", "yes");
        network.IPAM.Config.Single().AuxAddress.Should().Contain("router", "10.213.17.2");
    }

    [Fact]
    public async Task Build_keys_of_the_classic_builder_reach_the_image_and_buildkit_only_keys_are_refused()
    {
        await using var project = await TestProject.CreateAsync("specbuild", """
            services:
              app:
                build:
                  context: .
                  dockerfile_inline: |
                    FROM composer-busybox:1
                    RUN echo inline > /inline
                  tags: ["${COMPOSE_PROJECT_NAME}-extra:1"]
                  cache_from: [composer-busybox:1]
                  no_cache: true
                  labels: {com.example.built: "yes"}
                command: ["sleep", "2147483647"]
              keyed:
                build:
                  context: .
                  dockerfile_inline: "FROM composer-busybox:1\n"
                  ssh: [default]
            """, new Dictionary<string, string> { ["Dockerfile"] = "FROM composer-busybox:1\nRUN exit 1\n" });
        try
        {
            await project.RunOkAsync("build", "app");
            var (_, output) = (0, (await project.RunOkAsync("run", "--rm", "app", "cat", "/inline")).Stdout);
            output.Should().Contain("inline", "dockerfile_inline, not the context's Dockerfile, was built");
            var client = await Engine.ClientAsync();
            var image = await client.Images.InspectImageAsync($"{project.Name}-app");
            image.Config.Labels.Should().Contain("com.example.built", "yes");
            (await client.Images.InspectImageAsync($"{project.Name}-extra:1")).ID.Should().Be(image.ID, "tags name the same image");

            var refused = await project.RunAsync("build", "keyed");
            refused.ExitCode.Should().Be(1, refused.ToString());
            refused.Stderr.Should().Contain("'build.ssh' needs BuildKit").And.Contain("Docker Engine 20.10");
        }
        finally
        {
            await Engine.RemoveImageAsync($"{project.Name}-app");
            await Engine.RemoveImageAsync($"{project.Name}-extra:1");
        }
    }

    [Fact]
    public async Task Keys_engine_20_10_cannot_honour_fail_up_naming_the_key_and_the_engine_version()
    {
        await using var project = await TestProject.CreateAsync("speccant", """
            services:
              gw:
                image: composer-busybox:1
                networks: {n: {gw_priority: 1}}
              ifname:
                image: composer-busybox:1
                networks: {n: {interface_name: eth7}}
              mac:
                image: composer-busybox:1
                networks: {n: {mac_address: "02:42:ac:11:00:42"}}
              sub:
                image: composer-busybox:1
                volumes: [{type: volume, source: data, target: /data, volume: {subpath: part}}]
              img:
                image: composer-busybox:1
                volumes: [{type: image, source: composer-busybox:1, target: /img}]
              v4:
                image: composer-busybox:1
                networks: [nov4]
            networks:
              n: {}
              nov4: {enable_ipv4: false}
            volumes:
              data: {}
            """);
        (string Service, string Expected)[] cases =
        [
            ("gw", "'networks.n.gw_priority' needs Engine API 1.48"),
            ("ifname", "'networks.n.interface_name' needs Engine API 1.49"),
            ("mac", "'networks.n.mac_address' needs Engine API 1.44"),
            ("sub", ".volume.subpath' needs Engine API 1.45"),
            ("img", "of type image needs Engine API 1.48"),
            ("v4", "'enable_ipv4: false' needs Engine API 1.47"),
        ];
        foreach (var (service, expected) in cases)
        {
            var result = await project.RunAsync("up", "-d", service);
            result.ExitCode.Should().Be(1, result.ToString());
            result.Stderr.Should().Contain(expected, service).And.Contain("Docker Engine 20.10", service);
        }
        (await project.ContainersAsync()).Should().BeEmpty("nothing is created before the check");
    }
}
