#!/usr/bin/perl
# The other side of the YAML::Syck differential test (run_diff.py): what the
# real cPanel tools print for the same data.
#
#   syck_oracle.pl dump       framed JSON texts in, framed YAML::Syck Dumps out
#   syck_oracle.pl roundtrip  framed (JSON, YAML) pairs in; a line per pair:
#                             "same" if YAML::Syck Loads the YAML back to the
#                             JSON's data, else "diff"
#   syck_oracle.pl load      framed YAML texts in, framed JSON out: what
#                             YAML::Syck Loads, every scalar as text
#   syck_oracle.pl retype     framed (JSON, YAML) pairs in, for a response that
#                             differs from run to run (a generated id): the
#                             YAML's values with the JSON's types (number or
#                             string), Dumped; an empty frame if the two differ
#                             in shape
#
# A frame is "<byte count>\n" and that many bytes.
#
# The JSON is decoded into what cPanel's Perl holds, so that the comparison
# is fair: strings are byte strings (cPanel reads and writes bytes; Syck's
# ImplicitUnicode is off), JSON numbers stay Perl numbers (JSON::PP: integers
# are IVs, fractions NVs, integers of 19 digits and more strings), and JSON
# true/false become the integers 1 and 0: cPanel's data has no boolean
# objects, and whmkit's YAML writes its booleans as 1 and 0 (a
# JSON::PP::Boolean would be dumped as a blessed object instead).
use strict;
use warnings;
use B ();
use JSON::PP ();
use YAML::Syck ();

$YAML::Syck::SortKeys = 1;
binmode STDIN;
binmode STDOUT;
my $json = JSON::PP->new->utf8->allow_nonref;

sub as_cpanel_data {
    my ($v) = @_;
    return $v ? 1 : 0 if JSON::PP::is_bool($v);
    if (ref $v eq 'HASH') {
        my %bytes;
        for my $key (keys %$v) {
            my $k = $key;
            utf8::encode($k);
            $bytes{$k} = as_cpanel_data($v->{$key});
        }
        return \%bytes;
    }
    return [ map { as_cpanel_data($_) } @$v ] if ref $v eq 'ARRAY';
    return $v if !defined $v;
    if (B::svref_2object(\$v)->FLAGS & B::SVf_POK) {    # a string, not a number
        my $s = $v;
        utf8::encode($s);
        return $s;
    }
    return $v;
}

sub read_frame {
    my $header = <STDIN>;
    return undef unless defined $header;
    chomp $header;
    die "bad frame header '$header'\n" unless $header =~ /^\d+$/;
    my $text = '';
    while (length $text < $header) {
        my $got = read(STDIN, $text, $header - length $text, length $text);
        die "short frame\n" unless $got;
    }
    return $text;
}

sub same_data {
    my ($a, $b) = @_;
    return !defined $b if !defined $a;
    return 0 if !defined $b;
    if (ref $a eq 'HASH') {
        return 0 unless ref $b eq 'HASH' && keys %$a == keys %$b;
        for my $k (keys %$a) { return 0 unless exists $b->{$k} && same_data($a->{$k}, $b->{$k}) }
        return 1;
    }
    if (ref $a eq 'ARRAY') {
        return 0 unless ref $b eq 'ARRAY' && @$a == @$b;
        for my $i (0 .. $#$a) { return 0 unless same_data($a->[$i], $b->[$i]) }
        return 1;
    }
    return !ref $b && "$a" eq "$b";
}

# YAML::Syck's Load as JSON can carry it: scalars as text (UTF-8 decoded).
sub as_text {
    my ($v) = @_;
    return { map { my $k = $_; utf8::decode($k); ($k => as_text($v->{$_})) } keys %$v } if ref $v eq 'HASH';
    return [ map { as_text($_) } @$v ] if ref $v eq 'ARRAY';
    return undef unless defined $v;
    my $s = "$v";
    utf8::decode($s);
    return $s;
}

# The values of `$loaded` (YAML::Syck's Load: strings) with the types of
# `$typed` (decoded JSON), where the two have the same shape.
sub retype {
    my ($typed, $loaded) = @_;
    if (ref $typed eq 'HASH') {
        die "shape\n" unless ref $loaded eq 'HASH' && keys %$typed == keys %$loaded;
        return { map { die "shape\n" unless exists $loaded->{$_}; ($_ => retype($typed->{$_}, $loaded->{$_})) }
                 keys %$typed };
    }
    if (ref $typed eq 'ARRAY') {
        die "shape\n" unless ref $loaded eq 'ARRAY' && @$typed == @$loaded;
        return [ map { retype($typed->[$_], $loaded->[$_]) } 0 .. $#$typed ];
    }
    die "shape\n" if ref $loaded || (defined $typed xor defined $loaded);
    return $typed if !defined $typed || "$typed" eq $loaded;
    return $loaded if B::svref_2object(\$typed)->FLAGS & B::SVf_POK;
    return $loaded =~ /^-?[0-9]+$/ ? 0 + $loaded : $loaded;    # another number
}

my $mode = shift // '';
if ($mode eq 'dump') {
    while (defined(my $text = read_frame())) {
        my $yaml = YAML::Syck::Dump(as_cpanel_data($json->decode($text)));
        print length($yaml), "\n", $yaml;
    }
} elsif ($mode eq 'roundtrip') {
    while (defined(my $text = read_frame())) {
        my $yaml = read_frame();
        my $data = as_cpanel_data($json->decode($text));
        my $back = eval { YAML::Syck::Load($yaml) };
        print((!$@ && same_data($data, $back)) ? "same\n" : "diff\n");
    }
} elsif ($mode eq 'load') {
    my $canonical = JSON::PP->new->utf8->canonical->allow_nonref;
    while (defined(my $yaml = read_frame())) {
        my $data = eval { YAML::Syck::Load($yaml) };
        my $out = $@ ? 'error' : $canonical->encode(as_text($data));
        print length($out), "\n", $out;
    }
} elsif ($mode eq 'retype') {
    while (defined(my $text = read_frame())) {
        my $yaml = read_frame();
        my $data = eval { retype(as_cpanel_data($json->decode($text)), YAML::Syck::Load($yaml)) };
        my $out = $@ ? '' : YAML::Syck::Dump($data);
        print length($out), "\n", $out;
    }
} else {
    die "usage: syck_oracle.pl dump|roundtrip|retype\n";
}
