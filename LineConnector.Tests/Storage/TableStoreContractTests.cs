using LineConnector.Core.Storage;

namespace LineConnector.Tests.Storage;

/// <summary>
/// What every <see cref="ITableStore"/> must do, run against each store by a subclass. Each test
/// works in a table of its own.
/// </summary>
public abstract class TableStoreContractTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    protected abstract ITableStore Store { get; }

    /// <summary>A secret the store holds (an account key) that no exception may reveal; null: none.</summary>
    protected virtual string? Secret => null;

    [Fact]
    public async Task Inserted_row_is_read_back_with_the_etag_insert_returned()
    {
        var table = await NewTableAsync();
        var etag = await Store.InsertAsync(table, Row("p", "r", ("Name", "first"), ("Count", 1)), None);

        var row = await Store.GetAsync(table, "p", "r", None);

        row.Should().NotBeNull();
        row!.PartitionKey.Should().Be("p");
        row.RowKey.Should().Be("r");
        row.ETag.Should().Be(etag).And.NotBeNullOrEmpty();
        row.Properties.Should().BeEquivalentTo(new Dictionary<string, object?> { ["Name"] = "first", ["Count"] = 1 });
    }

    [Fact]
    public async Task A_missing_row_is_null()
    {
        var table = await NewTableAsync();
        await Store.InsertAsync(table, Row("p", "r"), None);

        (await Store.GetAsync(table, "p", "other", None)).Should().BeNull();
        (await Store.GetAsync(table, "other", "r", None)).Should().BeNull();
    }

    [Fact]
    public async Task Creating_a_table_twice_is_fine_and_keeps_its_rows()
    {
        var table = await NewTableAsync();
        await Store.InsertAsync(table, Row("p", "r"), None);

        await Store.CreateTableIfNotExistsAsync(table, None);

        (await Store.GetAsync(table, "p", "r", None)).Should().NotBeNull();
    }

    [Fact]
    public async Task Inserting_an_existing_row_fails_409_naming_table_and_keys()
    {
        var table = await NewTableAsync();
        await Store.InsertAsync(table, Row("p", "r", ("V", "first")), None);

        var failure = await FailureOf(() => Store.InsertAsync(table, Row("p", "r", ("V", "second")), None));

        ShouldName(failure, table, "p", "r", 409, TableErrorCodes.EntityAlreadyExists);
        (await Store.GetAsync(table, "p", "r", None))!.Properties["V"].Should().Be("first");
    }

    [Fact]
    public async Task Replace_with_the_current_etag_replaces_every_property_and_changes_the_etag()
    {
        var table = await NewTableAsync();
        var first = await Store.InsertAsync(table, Row("p", "r", ("Kept", "a"), ("Dropped", "b")), None);

        var second = await Store.ReplaceAsync(table, Row("p", "r", ("Kept", "c")), first, None);

        second.Should().NotBe(first);
        var row = await Store.GetAsync(table, "p", "r", None);
        row!.ETag.Should().Be(second);
        row.Properties.Should().BeEquivalentTo(new Dictionary<string, object?> { ["Kept"] = "c" });
    }

    [Fact]
    public async Task Replace_with_a_stale_etag_fails_412_and_changes_nothing()
    {
        var table = await NewTableAsync();
        var stale = await Store.InsertAsync(table, Row("p", "r", ("V", 1)), None);
        var current = await Store.ReplaceAsync(table, Row("p", "r", ("V", 2)), stale, None);

        var failure = await FailureOf(() => Store.ReplaceAsync(table, Row("p", "r", ("V", 3)), stale, None));

        ShouldName(failure, table, "p", "r", 412, TableErrorCodes.UpdateConditionNotSatisfied);
        var row = await Store.GetAsync(table, "p", "r", None);
        row!.ETag.Should().Be(current);
        row.Properties["V"].Should().Be(2);
    }

    [Fact]
    public async Task Of_two_replaces_with_the_same_etag_exactly_one_wins()
    {
        var table = await NewTableAsync();
        var etag = await Store.InsertAsync(table, Row("p", "r", ("Writer", "none")), None);

        var attempts = Enumerable.Range(0, 2).Select(async i =>
        {
            try
            {
                await Store.ReplaceAsync(table, Row("p", "r", ("Writer", $"w{i}")), etag, None);
                return (Writer: $"w{i}", Failure: (TableStoreException?)null);
            }
            catch (TableStoreException e)
            {
                return (Writer: $"w{i}", Failure: e);
            }
        }).ToList();
        var outcomes = await Task.WhenAll(attempts);

        outcomes.Should().ContainSingle(o => o.Failure == null);
        outcomes.Should().ContainSingle(o => o.Failure != null).Which.Failure!.Status.Should().Be(412);
        var winner = outcomes.Single(o => o.Failure == null).Writer;
        (await Store.GetAsync(table, "p", "r", None))!.Properties["Writer"].Should().Be(winner);
    }

    [Fact]
    public async Task Of_many_concurrent_merges_with_the_same_etag_exactly_one_wins()
    {
        var table = await NewTableAsync();
        var etag = await Store.InsertAsync(table, Row("p", "r"), None);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await Store.MergeAsync(table, Row("p", "r", ($"W{i}", i)), etag, None);
                return 0;
            }
            catch (TableStoreException e)
            {
                return e.Status;
            }
        }));

        results.Count(s => s == 0).Should().Be(1);
        results.Where(s => s != 0).Should().AllBeEquivalentTo(412).And.HaveCount(7);
        (await Store.GetAsync(table, "p", "r", None))!.Properties.Should().ContainSingle();
    }

    [Fact]
    public async Task Replace_and_merge_of_a_missing_row_fail_404_even_with_star()
    {
        var table = await NewTableAsync();

        ShouldName(await FailureOf(() => Store.ReplaceAsync(table, Row("p", "r"), "*", None)), table, "p", "r", 404, TableErrorCodes.ResourceNotFound);
        ShouldName(await FailureOf(() => Store.MergeAsync(table, Row("p", "r"), "*", None)), table, "p", "r", 404, TableErrorCodes.ResourceNotFound);
        (await Store.GetAsync(table, "p", "r", None)).Should().BeNull();
    }

    [Fact]
    public async Task Replace_with_star_ignores_the_etag()
    {
        var table = await NewTableAsync();
        var first = await Store.InsertAsync(table, Row("p", "r", ("V", 1)), None);
        await Store.ReplaceAsync(table, Row("p", "r", ("V", 2)), first, None);

        await Store.ReplaceAsync(table, Row("p", "r", ("V", 3)), "*", None);

        (await Store.GetAsync(table, "p", "r", None))!.Properties["V"].Should().Be(3);
    }

    [Fact]
    public async Task Merge_updates_the_given_properties_and_keeps_the_others()
    {
        var table = await NewTableAsync();
        var etag = await Store.InsertAsync(table, Row("p", "r", ("Kept", "a"), ("Changed", "b")), None);

        var merged = await Store.MergeAsync(table, Row("p", "r", ("Changed", "c"), ("Added", 5L), ("Ignored", null)), etag, None);

        merged.Should().NotBe(etag);
        var row = await Store.GetAsync(table, "p", "r", None);
        row!.ETag.Should().Be(merged);
        row.Properties.Should().BeEquivalentTo(new Dictionary<string, object?> { ["Kept"] = "a", ["Changed"] = "c", ["Added"] = 5L });
    }

    [Fact]
    public async Task Merge_with_a_stale_etag_fails_412()
    {
        var table = await NewTableAsync();
        var stale = await Store.InsertAsync(table, Row("p", "r", ("V", 1)), None);
        await Store.MergeAsync(table, Row("p", "r", ("V", 2)), "*", None);

        ShouldName(await FailureOf(() => Store.MergeAsync(table, Row("p", "r", ("V", 3)), stale, None)), table, "p", "r", 412, TableErrorCodes.UpdateConditionNotSatisfied);
        (await Store.GetAsync(table, "p", "r", None))!.Properties["V"].Should().Be(2);
    }

    [Fact]
    public async Task Upsert_inserts_then_replaces_whatever_is_there()
    {
        var table = await NewTableAsync();

        var first = await Store.UpsertAsync(table, Row("p", "r", ("A", "1"), ("B", "2")), None);
        (await Store.GetAsync(table, "p", "r", None))!.Properties.Should().HaveCount(2);

        var second = await Store.UpsertAsync(table, Row("p", "r", ("A", "3")), None);

        second.Should().NotBe(first);
        var row = await Store.GetAsync(table, "p", "r", None);
        row!.ETag.Should().Be(second);
        row.Properties.Should().BeEquivalentTo(new Dictionary<string, object?> { ["A"] = "3" });
    }

    [Fact]
    public async Task Every_write_gives_a_new_etag()
    {
        var table = await NewTableAsync();
        var row = Row("p", "r", ("V", 1));

        List<string> etags = [await Store.InsertAsync(table, row, None)];
        etags.Add(await Store.ReplaceAsync(table, row, etags[^1], None));
        etags.Add(await Store.ReplaceAsync(table, row, "*", None));
        etags.Add(await Store.MergeAsync(table, row, etags[^1], None));
        etags.Add(await Store.UpsertAsync(table, row, None));

        etags.Should().OnlyHaveUniqueItems();
        (await Store.GetAsync(table, "p", "r", None))!.ETag.Should().Be(etags[^1]);
    }

    [Fact]
    public async Task Delete_with_the_current_etag_removes_the_row()
    {
        var table = await NewTableAsync();
        var etag = await Store.InsertAsync(table, Row("p", "r"), None);

        await Store.DeleteAsync(table, "p", "r", etag, None);

        (await Store.GetAsync(table, "p", "r", None)).Should().BeNull();
    }

    [Fact]
    public async Task Delete_with_star_removes_whatever_version_is_there()
    {
        var table = await NewTableAsync();
        var etag = await Store.InsertAsync(table, Row("p", "r", ("V", 1)), None);
        await Store.ReplaceAsync(table, Row("p", "r", ("V", 2)), etag, None);

        await Store.DeleteAsync(table, "p", "r", "*", None);

        (await Store.GetAsync(table, "p", "r", None)).Should().BeNull();
    }

    [Fact]
    public async Task Delete_with_a_stale_etag_fails_412_and_keeps_the_row()
    {
        var table = await NewTableAsync();
        var stale = await Store.InsertAsync(table, Row("p", "r", ("V", 1)), None);
        await Store.ReplaceAsync(table, Row("p", "r", ("V", 2)), stale, None);

        ShouldName(await FailureOf(() => Store.DeleteAsync(table, "p", "r", stale, None)), table, "p", "r", 412, TableErrorCodes.UpdateConditionNotSatisfied);
        (await Store.GetAsync(table, "p", "r", None)).Should().NotBeNull();
    }

    [Fact]
    public async Task Deleting_a_missing_row_fails_404()
    {
        var table = await NewTableAsync();

        ShouldName(await FailureOf(() => Store.DeleteAsync(table, "p", "gone", "*", None)), table, "p", "gone", 404, TableErrorCodes.ResourceNotFound);
    }

    [Fact]
    public async Task A_table_that_was_never_created_fails_404_TableNotFound()
    {
        var table = NewTableName();

        ShouldName(await FailureOf(() => Store.GetAsync(table, "p", "r", None)), table, "p", "r", 404, TableErrorCodes.TableNotFound);
        ShouldName(await FailureOf(() => Store.InsertAsync(table, Row("p", "r"), None)), table, "p", "r", 404, TableErrorCodes.TableNotFound);
        ShouldName(await FailureOf(() => Store.UpsertAsync(table, Row("p", "r"), None)), table, "p", "r", 404, TableErrorCodes.TableNotFound);
        var query = await FailureOf(() => Store.QueryPartitionAsync(table, "p", None).ToListAsync().AsTask());
        ShouldName(query, table, "p", null, 404, TableErrorCodes.TableNotFound);
    }

    [Fact]
    public async Task Typed_values_round_trip_through_get_and_query()
    {
        var table = await NewTableAsync();
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var values = new Dictionary<string, object?>
        {
            ["Text"] = "O'Brien said \"héllo\" — 日本語 😀 \\ / \n tab\t",
            ["Empty"] = "",
            ["Yes"] = true,
            ["No"] = false,
            ["Int"] = -123456,
            ["IntMax"] = int.MaxValue,
            ["Long"] = (1L << 53) + 1,
            ["LongMin"] = long.MinValue,
            ["LongSmall"] = 7L,
            ["Double"] = 0.1,
            ["DoubleWhole"] = 3.0,
            ["DoubleHuge"] = 1.5e300,
            ["DoubleNegative"] = -2.5e-10,
            ["When"] = new DateTimeOffset(2024, 2, 29, 23, 59, 58, TimeSpan.FromHours(9)).AddTicks(1234567),
            ["Id"] = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
            ["Bytes"] = bytes,
        };
        await Store.InsertAsync(table, new TableRow("p", "r", values), None);

        var fromGet = await Store.GetAsync(table, "p", "r", None);
        var fromQuery = await Store.QueryPartitionAsync(table, "p", None).SingleAsync();

        foreach (var row in new[] { fromGet!, fromQuery })
        {
            row.Properties.Keys.Should().BeEquivalentTo(values.Keys);
            foreach (var (name, expected) in values)
            {
                row.Properties[name].Should().BeOfType(expected!.GetType(), name);
                row.Properties[name].Should().BeEquivalentTo(expected, name);
            }

            var when = (DateTimeOffset)row.Properties["When"]!;
            when.Offset.Should().Be(TimeSpan.Zero, "dates come back in UTC");
            when.UtcTicks.Should().Be(((DateTimeOffset)values["When"]!).UtcTicks);
        }
    }

    [Fact]
    public async Task Special_doubles_round_trip()
    {
        var table = await NewTableAsync();
        await Store.InsertAsync(table, Row("p", "r", ("NaN", double.NaN), ("Up", double.PositiveInfinity), ("Down", double.NegativeInfinity), ("Max", double.MaxValue)), None);

        var row = await Store.GetAsync(table, "p", "r", None);

        row!.Properties["NaN"].Should().BeOfType<double>().Which.Should().Be(double.NaN);
        row.Properties["Up"].Should().Be(double.PositiveInfinity);
        row.Properties["Down"].Should().Be(double.NegativeInfinity);
        row.Properties["Max"].Should().Be(double.MaxValue);
    }

    [Fact]
    public async Task Null_values_are_absent()
    {
        var table = await NewTableAsync();
        await Store.InsertAsync(table, Row("p", "r", ("Set", "x"), ("Unset", null)), None);

        var row = await Store.GetAsync(table, "p", "r", None);

        row!.Properties.Should().ContainKey("Set").And.NotContainKey("Unset");
    }

    [Fact]
    public async Task Stored_bytes_do_not_change_when_the_callers_array_does()
    {
        var table = await NewTableAsync();
        var bytes = new byte[] { 1, 2, 3 };
        await Store.InsertAsync(table, Row("p", "r", ("B", bytes)), None);
        bytes[0] = 9;

        var first = await Store.GetAsync(table, "p", "r", None);
        ((byte[])first!.Properties["B"]!)[1] = 9;

        ((byte[])(await Store.GetAsync(table, "p", "r", None))!.Properties["B"]!).Should().Equal(1, 2, 3);
    }

    [Theory]
    [InlineData("O'Brien", "it's 'quoted'")]
    [InlineData("''", "'")]
    [InlineData("日本語のキー", "Ünïcödé 😀")]
    [InlineData("space and %20 + & = ( ) , ; : @ $ !", "~*[]{}<>|^`\"")]
    public async Task Keys_with_quotes_unicode_and_url_characters_work_everywhere(string partitionKey, string rowKey)
    {
        var table = await NewTableAsync();
        await Store.InsertAsync(table, Row(partitionKey + "x", rowKey), None);

        var etag = await Store.InsertAsync(table, Row(partitionKey, rowKey, ("V", 1)), None);
        var read = await Store.GetAsync(table, partitionKey, rowKey, None);
        read!.PartitionKey.Should().Be(partitionKey);
        read.RowKey.Should().Be(rowKey);

        etag = await Store.ReplaceAsync(table, Row(partitionKey, rowKey, ("V", 2)), etag, None);
        etag = await Store.MergeAsync(table, Row(partitionKey, rowKey, ("W", 3)), etag, None);
        var queried = await Store.QueryPartitionAsync(table, partitionKey, None).ToListAsync();
        queried.Should().ContainSingle().Which.Properties.Should().BeEquivalentTo(new Dictionary<string, object?> { ["V"] = 2, ["W"] = 3 });
        queried[0].RowKey.Should().Be(rowKey);
        queried[0].ETag.Should().Be(etag);

        await Store.DeleteAsync(table, partitionKey, rowKey, etag, None);
        (await Store.GetAsync(table, partitionKey, rowKey, None)).Should().BeNull();
        (await Store.GetAsync(table, partitionKey + "x", rowKey, None)).Should().NotBeNull();
    }

    [Fact]
    public async Task Query_returns_one_partition_in_row_key_order_across_pages()
    {
        // More than two pages of Table Storage's 1,000 rows, beside neighbouring partitions.
        const int Count = 2_345;
        var table = await NewTableAsync();
        var keys = Enumerable.Range(0, Count).Select(i => i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var random = new Random(42);
        var shuffled = keys.OrderBy(_ => random.Next()).ToList();
        await Parallel.ForEachAsync(shuffled, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (key, ct) =>
            await Store.InsertAsync(table, Row("p", key, ("N", int.Parse(key, System.Globalization.CultureInfo.InvariantCulture))), ct));
        await Store.InsertAsync(table, Row("p2", "00000"), None);
        await Store.InsertAsync(table, Row("o", "99999"), None);
        await Store.InsertAsync(table, Row("P", "00001"), None);

        var rows = await Store.QueryPartitionAsync(table, "p", None).ToListAsync();

        rows.Select(r => r.RowKey).Should().Equal(keys);
        rows.Should().OnlyContain(r => r.PartitionKey == "p" && !string.IsNullOrEmpty(r.ETag));
        rows.Select(r => (int)r.Properties["N"]!).Should().Equal(Enumerable.Range(0, Count));
    }

    [Fact]
    public async Task A_range_query_reads_the_partitions_and_rows_in_its_ranges_in_key_order()
    {
        var table = await NewTableAsync();
        foreach (var (partition, row) in new[]
        {
            ("shop:0f", "enquiry:b"), ("shop:0f", "enquiry:a"), ("shop:0f", "event:1"), ("shop:a0", "enquiry:c"), ("shop:ff", "kept:1"),
            ("shop", "enquiry:x"), ("shop-2:00", "enquiry:y"), ("shopx:00", "enquiry:z"), ("shop;", "enquiry:w"),
        })
        {
            await Store.InsertAsync(table, Row(partition, row), None);
        }

        var channel = TableKeyRange.StartingWith("shop:");

        (await Store.QueryAsync(table, channel, null, None).Select(r => $"{r.PartitionKey}/{r.RowKey}").ToListAsync())
            .Should().Equal("shop:0f/enquiry:a", "shop:0f/enquiry:b", "shop:0f/event:1", "shop:a0/enquiry:c", "shop:ff/kept:1");
        (await Store.QueryAsync(table, channel, TableKeyRange.StartingWith("enquiry:"), None).Select(r => r.RowKey).ToListAsync())
            .Should().Equal("enquiry:a", "enquiry:b", "enquiry:c");
        (await Store.QueryAsync(table, TableKeyRange.Only("shop:0f"), TableKeyRange.StartingWith("e"), None).Select(r => r.RowKey).ToListAsync())
            .Should().Equal("enquiry:a", "enquiry:b", "event:1");
        (await Store.QueryAsync(table, TableKeyRange.Only("shop:0f"), TableKeyRange.Only("event:1"), None).ToListAsync()).Should().ContainSingle().Which.ETag.Should().NotBeNullOrEmpty();
        (await Store.QueryAsync(table, TableKeyRange.Only("shop:0"), null, None).ToListAsync()).Should().BeEmpty("a range of one key is that key alone");
    }

    [Fact]
    public async Task Query_of_an_empty_partition_returns_nothing()
    {
        var table = await NewTableAsync();
        await Store.InsertAsync(table, Row("p", "r"), None);

        (await Store.QueryPartitionAsync(table, "q", None).ToListAsync()).Should().BeEmpty();
    }

    [Theory]
    [InlineData("a/b", "'/' at index 1")]
    [InlineData("a\\b", "'\\' at index 1")]
    [InlineData("#", "'#' at index 0")]
    [InlineData("why?", "'?' at index 3")]
    [InlineData("tab\there", "U+0009 at index 3")]
    [InlineData("del\u007f", "U+007F at index 3")]
    [InlineData("c1\u0085", "U+0085 at index 2")]
    public async Task Keys_with_forbidden_characters_are_refused_naming_the_key_and_character(string key, string named)
    {
        var table = await NewTableAsync();

        var asPartition = await FailureOf(() => Store.InsertAsync(table, Row(key, "r"), None));
        var asRow = await FailureOf(() => Store.UpsertAsync(table, Row("p", key), None));
        var onGet = await FailureOf(() => Store.GetAsync(table, "p", key, None));
        var onQuery = await FailureOf(() => Store.QueryPartitionAsync(table, key, None).ToListAsync().AsTask());

        foreach (var failure in new[] { asPartition, asRow, onGet, onQuery })
        {
            failure.Status.Should().Be(400);
            failure.IsTransient.Should().BeFalse();
            failure.ErrorCode.Should().Be(TableErrorCodes.InvalidInput);
            failure.Message.Should().Contain(named).And.Contain(table);
        }

        asPartition.Message.Should().Contain("PartitionKey has");
        asRow.Message.Should().Contain("RowKey has");
    }

    [Fact]
    public async Task Keys_of_512_characters_are_stored_and_513_refused()
    {
        var table = await NewTableAsync();
        var longest = new string('k', TableRules.MaxKeyLength);

        await Store.InsertAsync(table, Row(longest, longest), None);
        (await Store.GetAsync(table, longest, longest, None)).Should().NotBeNull();

        var failure = await FailureOf(() => Store.InsertAsync(table, Row("p", longest + "k"), None));
        failure.Status.Should().Be(400);
        failure.Message.Should().Contain("RowKey has 513 characters, at most 512");
    }

    [Fact]
    public async Task Empty_keys_are_allowed()
    {
        var table = await NewTableAsync();
        await Store.InsertAsync(table, Row("", "", ("V", 1)), None);

        (await Store.GetAsync(table, "", "", None))!.Properties["V"].Should().Be(1);
        (await Store.QueryPartitionAsync(table, "", None).ToListAsync()).Should().ContainSingle();
    }

    [Theory]
    [InlineData("ab", "3 to 63 characters")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234", "3 to 63 characters")]
    [InlineData("1abc", "starts with a letter")]
    [InlineData("ab-cd", "only the letters")]
    [InlineData("tables", "reserved")]
    public async Task Invalid_table_names_are_refused_saying_why(string table, string reason)
    {
        var failure = await FailureOf(() => Store.CreateTableIfNotExistsAsync(table, None));

        failure.Status.Should().Be(400);
        failure.ErrorCode.Should().Be(TableErrorCodes.InvalidResourceName);
        failure.Table.Should().Be(table);
        failure.Message.Should().Contain($"'{table}'").And.Contain(reason);
    }

    [Fact]
    public async Task Values_at_the_limits_are_stored()
    {
        var table = await NewTableAsync();
        var properties = new Dictionary<string, object?>
        {
            ["Text"] = new string('x', TableRules.MaxStringLength),
            ["Bytes"] = new byte[TableRules.MaxBinaryLength],
            [new string('N', TableRules.MaxPropertyNameLength)] = 1,
            ["_underscore_1"] = true,
            ["Earliest"] = TableRules.MinDateTime,
        };

        await Store.InsertAsync(table, new TableRow("p", "r", properties), None);

        var row = await Store.GetAsync(table, "p", "r", None);
        row!.Properties.Should().BeEquivalentTo(properties);
    }

    [Fact]
    public async Task A_row_of_252_properties_is_stored()
    {
        var table = await NewTableAsync();
        var properties = Enumerable.Range(0, TableRules.MaxProperties).ToDictionary(i => $"P{i}", i => (object?)i);

        await Store.InsertAsync(table, new TableRow("p", "r", properties), None);

        (await Store.GetAsync(table, "p", "r", None))!.Properties.Should().HaveCount(TableRules.MaxProperties);
    }

    public static TheoryData<string, object, string, string> InvalidProperties => new()
    {
        { "Price", 1.5m, TableErrorCodes.InvalidInput, "Property 'Price' is a Decimal" },
        { "Local", new DateTime(2024, 1, 1), TableErrorCodes.InvalidInput, "Property 'Local' is a DateTime" },
        { "Timestamp", "x", TableErrorCodes.PropertyNameInvalid, "'Timestamp' is reserved" },
        { "PartitionKey", "x", TableErrorCodes.PropertyNameInvalid, "'PartitionKey' is reserved" },
        { "has-dash", "x", TableErrorCodes.PropertyNameInvalid, "'has-dash' is not valid" },
        { "1st", "x", TableErrorCodes.PropertyNameInvalid, "'1st' is not valid" },
        { "", "x", TableErrorCodes.PropertyNameInvalid, "has 0 characters" },
        { new string('N', 256), "x", TableErrorCodes.PropertyNameInvalid, "has 256 characters" },
        { "Text", new string('x', TableRules.MaxStringLength + 1), TableErrorCodes.PropertyValueTooLarge, "Property 'Text' has 32769 characters, at most 32768" },
        { "Bytes", new byte[TableRules.MaxBinaryLength + 1], TableErrorCodes.PropertyValueTooLarge, "Property 'Bytes' has 65537 bytes, at most 65536" },
        { "Ancient", new DateTimeOffset(1600, 12, 31, 23, 59, 59, TimeSpan.Zero), TableErrorCodes.InvalidInput, "Property 'Ancient' is 1600-12-31" },
    };

    [Theory]
    [MemberData(nameof(InvalidProperties))]
    public async Task Invalid_properties_are_refused_naming_the_property_and_the_rule(string name, object value, string code, string named)
    {
        var table = await NewTableAsync();
        await Store.InsertAsync(table, Row("p", "r", ("V", 1)), None);

        var onInsert = await FailureOf(() => Store.InsertAsync(table, Row("p", "new", (name, value)), None));
        var onMerge = await FailureOf(() => Store.MergeAsync(table, Row("p", "r", (name, value)), "*", None));

        foreach (var failure in new[] { onInsert, onMerge })
        {
            failure.Status.Should().Be(400);
            failure.ErrorCode.Should().Be(code);
            failure.Message.Should().Contain(named).And.Contain(table);
        }

        (await Store.GetAsync(table, "p", "new", None)).Should().BeNull();
        (await Store.GetAsync(table, "p", "r", None))!.Properties.Should().ContainSingle();
    }

    [Fact]
    public async Task More_than_252_properties_are_refused()
    {
        var table = await NewTableAsync();
        var properties = Enumerable.Range(0, TableRules.MaxProperties + 1).ToDictionary(i => $"P{i}", i => (object?)i);

        var failure = await FailureOf(() => Store.InsertAsync(table, new TableRow("p", "r", properties), None));

        ShouldName(failure, table, "p", "r", 400, TableErrorCodes.TooManyProperties);
        failure.Message.Should().Contain("at most 252 properties besides its keys, this one has 253");
    }

    [Fact]
    public async Task A_row_over_1_MiB_is_refused()
    {
        var table = await NewTableAsync();
        var properties = Enumerable.Range(0, 17).ToDictionary(i => $"P{i}", i => (object?)new string('x', TableRules.MaxStringLength));

        var failure = await FailureOf(() => Store.InsertAsync(table, new TableRow("p", "r", properties), None));

        ShouldName(failure, table, "p", "r", 400, TableErrorCodes.EntityTooLarge);
        (await Store.GetAsync(table, "p", "r", None)).Should().BeNull();
    }

    [Fact]
    public async Task A_cancelled_call_is_cancelled_not_failed()
    {
        var table = await NewTableAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await FluentActions.Awaiting(() => Store.GetAsync(table, "p", "r", cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(() => Store.UpsertAsync(table, Row("p", "r"), cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        (await Store.GetAsync(table, "p", "r", None)).Should().BeNull();
    }

    [Fact]
    public async Task A_transaction_applies_every_operation_and_returns_their_etags()
    {
        var table = await NewTableAsync();
        var replaced = await Store.InsertAsync(table, Row("p", "replaced", ("Kept", "no"), ("V", 1)), None);
        var merged = await Store.InsertAsync(table, Row("p", "merged", ("Kept", "yes"), ("V", 1)), None);
        var deleted = await Store.InsertAsync(table, Row("p", "deleted"), None);
        await Store.InsertAsync(table, Row("p", "upserted", ("Old", true)), None);
        await Store.InsertAsync(table, Row("q", "inserted", ("Other", "partition")), None);

        var etags = await Store.SubmitTransactionAsync(table, "p",
        [
            TableOperation.Insert(Row("p", "inserted", ("V", 2))),
            TableOperation.Upsert(Row("p", "upserted", ("V", 2L))),
            TableOperation.Replace(Row("p", "replaced", ("V", 2)), replaced),
            TableOperation.Merge(Row("p", "merged", ("V", 2)), merged),
            TableOperation.Delete("p", "deleted", deleted),
        ], None);

        etags.Should().HaveCount(5);
        etags[4].Should().BeNull();
        // ETags are per row: rows written by one transaction may share one (Table Storage dates them alike).
        etags.Take(4).Should().NotContainNulls();
        etags[2].Should().NotBe(replaced);
        etags[3].Should().NotBe(merged);
        var rows = (await Store.QueryPartitionAsync(table, "p", None).ToListAsync()).ToDictionary(r => r.RowKey);
        rows.Keys.Should().BeEquivalentTo("inserted", "merged", "replaced", "upserted");
        rows["inserted"].ETag.Should().Be(etags[0]);
        rows["upserted"].ETag.Should().Be(etags[1]);
        rows["replaced"].ETag.Should().Be(etags[2]);
        rows["merged"].ETag.Should().Be(etags[3]);
        rows["inserted"].Properties.Should().BeEquivalentTo(new Dictionary<string, object?> { ["V"] = 2 });
        rows["upserted"].Properties.Should().BeEquivalentTo(new Dictionary<string, object?> { ["V"] = 2L });
        rows["replaced"].Properties.Should().BeEquivalentTo(new Dictionary<string, object?> { ["V"] = 2 });
        rows["merged"].Properties.Should().BeEquivalentTo(new Dictionary<string, object?> { ["Kept"] = "yes", ["V"] = 2 });
        (await Store.GetAsync(table, "q", "inserted", None))!.Properties["Other"].Should().Be("partition");
    }

    [Fact]
    public async Task A_transaction_of_100_operations_is_one_write()
    {
        var table = await NewTableAsync();
        var operations = Enumerable.Range(0, TableRules.MaxTransactionOperations)
            .Select(i => TableOperation.Insert(Row("p", i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture), ("N", i))))
            .ToList();

        var etags = await Store.SubmitTransactionAsync(table, "p", operations, None);

        etags.Should().HaveCount(100).And.NotContainNulls();
        (await Store.QueryPartitionAsync(table, "p", None).ToListAsync()).Select(r => (int)r.Properties["N"]!).Should().Equal(Enumerable.Range(0, 100));
    }

    public static TheoryData<int, string, int, string> FailingTransactionOperations => new()
    {
        // Index of the failing operation, what it is, status, error code.
        { 1, "stale replace", 412, TableErrorCodes.UpdateConditionNotSatisfied },
        { 2, "insert of an existing row", 409, TableErrorCodes.EntityAlreadyExists },
        { 1, "merge of a missing row", 404, TableErrorCodes.ResourceNotFound },
        { 2, "delete of a missing row", 404, TableErrorCodes.ResourceNotFound },
        { 0, "stale delete", 412, TableErrorCodes.UpdateConditionNotSatisfied },
    };

    [Theory]
    [MemberData(nameof(FailingTransactionOperations))]
    public async Task A_failing_operation_fails_the_whole_transaction_naming_its_index(int index, string what, int status, string errorCode)
    {
        var table = await NewTableAsync();
        var stale = await Store.InsertAsync(table, Row("p", "existing", ("V", 1)), None);
        var current = await Store.ReplaceAsync(table, Row("p", "existing", ("V", 2)), stale, None);
        TableOperation failing = what switch
        {
            "stale replace" => TableOperation.Replace(Row("p", "existing", ("V", 3)), stale),
            "insert of an existing row" => TableOperation.Insert(Row("p", "existing", ("V", 3))),
            "merge of a missing row" => TableOperation.Merge(Row("p", "missing", ("V", 3)), "*"),
            "delete of a missing row" => TableOperation.Delete("p", "missing", "*"),
            _ => TableOperation.Delete("p", "existing", stale),
        };
        List<TableOperation> others = [TableOperation.Insert(Row("p", "new", ("V", 1))), TableOperation.Upsert(Row("p", "upserted", ("V", 1)))];
        var operations = others.Take(index).Append(failing).Concat(others.Skip(index)).ToList();

        var failure = await FailureOf(() => Store.SubmitTransactionAsync(table, "p", operations, None));

        ShouldName(failure, table, "p", failing.Row.RowKey, status, errorCode);
        failure.OperationIndex.Should().Be(index);
        failure.Message.Should().Contain($"transaction operation {index} ({failing.Kind.ToString().ToLowerInvariant()}) failed");
        var rows = await Store.QueryPartitionAsync(table, "p", None).ToListAsync();
        rows.Should().ContainSingle("nothing of a failed transaction is written").Which.ETag.Should().Be(current);
        rows[0].Properties["V"].Should().Be(2);
    }

    [Fact]
    public async Task A_transaction_on_a_table_that_was_never_created_fails_404_TableNotFound()
    {
        var table = NewTableName();

        var failure = await FailureOf(() => Store.SubmitTransactionAsync(table, "p", [TableOperation.Upsert(Row("p", "r"))], None));

        ShouldName(failure, table, "p", null, 404, TableErrorCodes.TableNotFound);
        failure.OperationIndex.Should().BeNull("no operation is at fault");
        failure.Message.Should().Contain("transaction failed");
    }

    [Fact]
    public async Task Transactions_of_no_or_more_than_100_operations_are_refused()
    {
        var table = await NewTableAsync();
        var tooMany = Enumerable.Range(0, 101).Select(i => TableOperation.Upsert(Row("p", $"r{i}"))).ToList();

        var empty = await FailureOf(() => Store.SubmitTransactionAsync(table, "p", [], None));
        var over = await FailureOf(() => Store.SubmitTransactionAsync(table, "p", tooMany, None));

        empty.Message.Should().Contain("A transaction has 1 to 100 operations, this one has 0");
        over.Message.Should().Contain("A transaction has 1 to 100 operations, this one has 101");
        foreach (var failure in new[] { empty, over })
        {
            ShouldName(failure, table, "p", null, 400, TableErrorCodes.InvalidInput);
            failure.OperationIndex.Should().BeNull();
        }

        (await Store.QueryPartitionAsync(table, "p", None).ToListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_transaction_across_partitions_or_changing_a_row_twice_is_refused_naming_the_operation()
    {
        var table = await NewTableAsync();

        var otherPartition = await FailureOf(() => Store.SubmitTransactionAsync(table, "p",
            [TableOperation.Insert(Row("p", "a")), TableOperation.Insert(Row("q", "b"))], None));
        var twice = await FailureOf(() => Store.SubmitTransactionAsync(table, "p",
            [TableOperation.Insert(Row("p", "a")), TableOperation.Upsert(Row("p", "b")), TableOperation.Merge(Row("p", "a"), "*")], None));

        ShouldName(otherPartition, table, "q", "b", 400, TableErrorCodes.CommandsInBatchActOnDifferentPartitions);
        otherPartition.OperationIndex.Should().Be(1);
        otherPartition.Message.Should().Contain("transaction operation 1 (insert) failed").And.Contain("on the transaction's PartitionKey");
        ShouldName(twice, table, "p", "a", 400, TableErrorCodes.InvalidInput);
        twice.OperationIndex.Should().Be(2);
        twice.Message.Should().Contain("transaction operation 2 (merge) failed").And.Contain("Operation 0 changes the same row");
        (await Store.QueryPartitionAsync(table, "p", None).ToListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task An_invalid_row_in_a_transaction_is_refused_naming_the_operation_and_the_rule()
    {
        var table = await NewTableAsync();

        var badProperty = await FailureOf(() => Store.SubmitTransactionAsync(table, "p",
            [TableOperation.Insert(Row("p", "a")), TableOperation.Upsert(Row("p", "b")), TableOperation.Replace(Row("p", "c", ("has-dash", 1)), "*")], None));
        var badKey = await FailureOf(() => Store.SubmitTransactionAsync(table, "p",
            [TableOperation.Upsert(Row("p", "a")), TableOperation.Delete("p", "why?", "*")], None));

        ShouldName(badProperty, table, "p", "c", 400, TableErrorCodes.PropertyNameInvalid);
        badProperty.OperationIndex.Should().Be(2);
        badProperty.Message.Should().Contain("transaction operation 2 (replace) failed").And.Contain("'has-dash' is not valid");
        ShouldName(badKey, table, "p", "why?", 400, TableErrorCodes.InvalidInput);
        badKey.OperationIndex.Should().Be(1);
        badKey.Message.Should().Contain("transaction operation 1 (delete) failed").And.Contain("'?' at index 3");
        (await Store.QueryPartitionAsync(table, "p", None).ToListAsync()).Should().BeEmpty();
    }

    protected static string NewTableName() => "t" + Guid.NewGuid().ToString("N");

    protected static TableRow Row(string partitionKey, string rowKey, params (string Name, object? Value)[] properties) =>
        new(partitionKey, rowKey, properties.ToDictionary(p => p.Name, p => p.Value));

    protected async Task<string> NewTableAsync()
    {
        var table = NewTableName();
        await Store.CreateTableIfNotExistsAsync(table, None);
        return table;
    }

    /// <summary>The <see cref="TableStoreException"/> the call throws, checked for secrets.</summary>
    protected async Task<TableStoreException> FailureOf(Func<Task> call)
    {
        var failure = (await FluentActions.Awaiting(call).Should().ThrowAsync<TableStoreException>()).Which;
        if (Secret is { } secret)
        {
            failure.ToString().Should().NotContain(secret, "an account key must never reach an error");
        }

        return failure;
    }

    protected static void ShouldName(TableStoreException failure, string table, string partitionKey, string? rowKey, int status, string errorCode)
    {
        failure.Table.Should().Be(table);
        failure.PartitionKey.Should().Be(partitionKey);
        failure.RowKey.Should().Be(rowKey);
        failure.Status.Should().Be(status);
        failure.ErrorCode.Should().Be(errorCode);
        failure.IsTransient.Should().BeFalse();
        failure.Message.Should().Contain($"Table '{table}'").And.Contain($"PartitionKey '{partitionKey}'")
            .And.Contain($"HTTP {status} {errorCode}");
        if (rowKey is not null)
        {
            failure.Message.Should().Contain($"RowKey '{rowKey}'");
        }
    }
}
