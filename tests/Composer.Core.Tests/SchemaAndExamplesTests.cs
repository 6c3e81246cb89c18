using Composer.Core.Diagnostics;
using Composer.Core.Loading;
using Composer.Core.Planning;
using NJsonSchema;

namespace Composer.Core.Tests;

public sealed class SchemaAndExamplesTests
{
    private static string RepoRoot { get; } = Path.GetFullPath(Path.Combine(LoaderFixture.FixturesDirectory, "..", "..", ".."));

    /// <summary>
    /// The official draft-07 meta-schema, as shipped. NJsonSchema cannot read boolean subschemas, so each <c>true</c>
    /// in a schema position is given as its equivalent, the empty schema <c>{}</c>.
    /// </summary>
    private static async Task<JsonSchema> MetaSchemaAsync()
    {
        var json = Newtonsoft.Json.Linq.JObject.Parse(await File.ReadAllTextAsync(Path.Combine(RepoRoot, "tests", "schemas", "json-schema-draft-07.json")));
        foreach (var token in json.Descendants().OfType<Newtonsoft.Json.Linq.JProperty>().ToList())
        {
            var schemaPosition = token.Parent?.Parent is Newtonsoft.Json.Linq.JProperty { Name: "properties" } || token.Name is "items" or "additionalItems" or "contains";
            if (schemaPosition && token.Value is Newtonsoft.Json.Linq.JValue { Value: true })
                token.Value = new Newtonsoft.Json.Linq.JObject();
        }
        return await JsonSchema.FromJsonAsync(json.ToString());
    }

    /// <summary>schemas/compose.schema.json is itself a valid draft-07 JSON Schema (checked against the meta-schema).</summary>
    [Fact]
    public async Task Compose_schema_is_valid_against_the_draft_07_meta_schema()
    {
        var meta = await MetaSchemaAsync();
        var text = await File.ReadAllTextAsync(Path.Combine(RepoRoot, "schemas", "compose.schema.json"));
        text.Should().Be(SchemaValidator.SchemaText, "the loader embeds this very file");
        meta.Validate(text).Select(e => $"{e.Path}: {e.Kind}").Should().BeEmpty();
        SchemaValidator.Parse(text).Definitions.Should().ContainKey("service");
    }

    /// <summary>The meta-schema check is not vacuous: a schema with a misspelt type is rejected.</summary>
    [Fact]
    public async Task Meta_schema_rejects_an_invalid_schema()
    {
        var meta = await MetaSchemaAsync();
        meta.Validate("""{ "type": "strnig", "properties": { "a": { "minLength": -1 } } }""").Should().NotBeEmpty();
    }

    public static TheoryData<string> Examples() =>
        [.. Directory.GetDirectories(Path.Combine(RepoRoot, "examples")).Where(d => File.Exists(Path.Combine(d, "compose.yaml"))).Select(d => Path.GetFileName(d))];

    [Fact]
    public void There_are_examples() => Examples().Should().NotBeEmpty();

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_loads(string name)
    {
        var result = new ProjectLoader().Load(new ProjectOptions { WorkingDirectory = Path.Combine(RepoRoot, "examples", name) });
        result.Diagnostics.Where(d => d.Severity == Severity.Error).Should().BeEmpty();
        result.Project!.Services.Should().NotBeEmpty();
    }

    /// <summary>
    /// The config hash of an unchanged service must never change (every container would be recreated): these values
    /// were computed by the code before the loader work and are pinned.
    /// </summary>
    [Theory]
    [InlineData("app", "b79c9d63f07028945e97f95c22e1a82a3ae5ba89fb62ed644dc43b0d7b12231a")]
    [InlineData("db", "734ea1b90f149f0fde114b3cdad339c17971fede8e6f9fb35b3182598bb59eaf")]
    public void Config_hash_of_the_app_db_example_is_pinned(string service, string hash)
    {
        var project = new ProjectLoader().Load(new ProjectOptions { WorkingDirectory = Path.Combine(RepoRoot, "examples", "app-db") }).GetProjectOrThrow();
        ConfigHash.Compute(project.Services[service]).Should().Be(hash);
    }

    /// <summary>New hashed fields appear only when used, so services without them keep their hash.</summary>
    [Fact]
    public void New_fields_change_the_hash_only_when_used()
    {
        var project = new ProjectLoader().Load(new ProjectOptions { WorkingDirectory = Path.Combine(RepoRoot, "examples", "app-db") }).GetProjectOrThrow();
        var db = project.Services["db"];
        var withUlimit = db with { Ulimits = db.Ulimits.Add("nofile", new Model.Ulimit(1024, 2048)) };
        ConfigHash.Compute(withUlimit).Should().NotBe(ConfigHash.Compute(db));
        ConfigHash.CanonicalForm(withUlimit).Should().Contain("\"ulimits\":{\"nofile\":\"1024:2048\"}");
    }
}
