using System.Runtime.CompilerServices;
using Composer.Core.Diagnostics;
using Composer.Core.Loading;
using Composer.Core.Loading.Yaml;

namespace Composer.Core.Tests;

/// <summary>
/// The schema fast path may only say "valid" where NJsonSchema finds no error. Every document any test of this assembly
/// loads is checked both ways (<see cref="SchemaValidator.CrossCheck"/>, set here for the whole assembly); these cases
/// aim at the corners where the two could part.
/// </summary>
public sealed class SchemaFastPathTests
{
    [ModuleInitializer]
    internal static void CrossCheckEveryDocument() => SchemaValidator.CrossCheck = true;

    private static YNode Parse(string yaml)
    {
        var bag = new DiagnosticBag();
        var doc = YamlReader.Parse(yaml, "compose.yaml", bag);
        bag.HasErrors.Should().BeFalse();
        return doc!;
    }

    private static bool NJsonSchemaValid(YNode doc)
    {
        var bag = new DiagnosticBag();
        SchemaValidator.ValidateFully(doc, bag, trustFastPath: false);
        return !bag.HasErrors;
    }

    [Theory]
    [InlineData("services:\n  a:\n    image: x\n    ports: [\"80:80\", \"80:80\"]\n")]               // uniqueItems, equal strings
    [InlineData("services:\n  a:\n    image: x\n    ports: [80, \"80\"]\n")]                         // an integer and a string of the same text
    [InlineData("services:\n  a:\n    image: x\n    dns: [true, \"True\"]\n")]                       // a boolean and its .NET text
    [InlineData("services:\n  a:\n    image: x\n    ports: [{target: 80}, {target: 80}]\n")]        // equal mappings
    [InlineData("services:\n  a:\n    image: x\n    ports: [{target: 80}, {target: \"80\"}]\n")]   // mappings that differ by type only
    [InlineData("services:\n  a:\n    image: x\n    ports: [\"{}\", {}]\n")]                        // a string spelling a mapping's JSON
    [InlineData("services:\n  a:\n    image: x\n    cpus: 1.5\n    mem_swappiness: 1.0\n")]          // a float where an integer is asked
    [InlineData("services:\n  a:\n    image: x\n    mem_swappiness: 101\n")]                        // maximum
    [InlineData("services:\n  a:\n    image: x\n    cgroup: HOST\n")]                               // enum
    [InlineData("services:\n  a:\n    image: x\n    pull_policy: every_2d\n")]                      // pattern of alternatives
    [InlineData("services:\n  a:\n    image: x\n    depends_on: {b: {condition: service_started}}\n  b:\n    image: x\n")]
    [InlineData("services:\n  a:\n    image: x\n    depends_on: {b: {}}\n  b:\n    image: x\n")]   // required inside a oneOf branch
    [InlineData("services:\n  a:\n    image: x\n    depends_on: {b: }\n  b:\n    image: x\n")]     // null where an object is required
    [InlineData("services:\n  a:\n    image: x\n    volumes: [{type: bind, source: ., target: /a}, \"./b:/b\"]\n")]
    [InlineData("services:\n  a:\n    image: x\n    volumes: [{source: ., target: /a}]\n")]        // a oneOf branch's required key missing
    [InlineData("services:\n  a:\n    image: x\n    extends: base\n")]
    [InlineData("services:\n  a:\n    image: x\n    x-anything: {deep: [1, 2]}\n")]
    [InlineData("services:\n  a:\n    image: x\n    unknown: 1\n")]
    [InlineData("services:\n  a:\n    image: 0x10\n")]
    [InlineData("services:\n  a:\n    image: x\n    environment: {A: , B: 1, C: true, D: 1.5}\n")]
    [InlineData("services:\n  a:\n")]
    [InlineData("services:\n  a: 1\n")]
    [InlineData("services:\nnetworks:\n  n:\nvolumes:\n  v:\n")]
    [InlineData("networks:\n  n: {external: true, name: x}\nservices:\n  a: {image: x, networks: {n: }}\n")]
    [InlineData("services:\n  a:\n    image: x\n    ulimits: {nofile: {soft: 1, hard: 2}, nproc: 3}\n")]
    [InlineData("services:\n  a:\n    image: x\n    ulimits: {nofile: {soft: 1}}\n")]
    [InlineData("services:\n  a:\n    image: x\n    gpus: all\n")]
    [InlineData("services:\n  a:\n    image: x\n    healthcheck: {test: [CMD, \"true\"], interval: 1s, retries: 3}\n")]
    public void The_fast_path_never_passes_what_NJsonSchema_rejects(string yaml)
    {
        var doc = Parse(yaml);
        if (SchemaFastPath.IsValid(doc)) NJsonSchemaValid(doc).Should().BeTrue();
    }

    [Theory]
    [InlineData("services:\n  a:\n    image: x\n    ports: [\"80:80\", \"81:81\"]\n    environment: {A: , B: 1}\n")]
    [InlineData("services:\n  a:\n    image: x\n    depends_on: {b: {condition: service_healthy}}\n  b:\n    image: x\n    healthcheck: {test: [CMD, \"true\"]}\nnetworks:\n  front:\nvolumes:\n  data:\n")]
    [InlineData("services:\n  a:\n    image: x\n    volumes: [\"./b:/b\", {type: volume, source: data, target: /d}]\nvolumes:\n  data:\n")]
    public void Common_valid_files_take_the_fast_path(string yaml)
    {
        var doc = Parse(yaml);
        NJsonSchemaValid(doc).Should().BeTrue();
        SchemaFastPath.IsValid(doc).Should().BeTrue();
    }

    [Theory]
    [InlineData("services:\n  a:\n    image: x\n  b:\n    image: y\n    unknown: 1\n  c:\n    image: z\n    ports: [{target: x}]\n  d:\n    image: w\n")]
    [InlineData("services:\n  a:\n    image: x\n    restart: sometimes\n  b:\n    image: y\n  c: 1\nnetworks:\n  n: 2\n")]
    [InlineData("services:\n  a:\n    image: x\n  b@:\n    image: y\n    imgae: z\n")]
    public void Services_the_fast_path_passes_are_left_out_of_NJsonSchema_without_losing_an_error(string yaml)
    {
        var doc = Parse(yaml);
        var trusted = new DiagnosticBag();
        SchemaValidator.ValidateFully(doc, trusted);
        var everyService = new DiagnosticBag();
        SchemaValidator.ValidateFully(doc, everyService, trustFastPath: false);
        trusted.HasErrors.Should().BeTrue();
        trusted.Items.Select(d => d.ToString()).Should().Equal(everyService.Items.Select(d => d.ToString()));
    }
}
