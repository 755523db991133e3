#!/usr/bin/env pwsh
# CftRuntime build tasks. Run with the pinned PowerShell tool:
#   dotnet tool restore
#   dotnet tool run pwsh ./build.ps1 <task>
# Tasks: restore, build, test, publish, examples, wheel, bench, train, spacegroups, all (restore + build + test).
#   dotnet tool run pwsh ./build.ps1 bench -Filter '*PredictorBenchmarks*'     (a subset of the benchmarks)
param(
    [Parameter(Position = 0)]
    [ValidateSet('restore', 'build', 'test', 'publish', 'examples', 'wheel', 'bench', 'train', 'spacegroups', 'all')]
    [string] $Task = 'all',
    [string] $Configuration = 'Release',
    # bench only: which BenchmarkDotNet benchmarks (e.g. '*PredictorBenchmarks*'); all by default.
    [string] $Filter = '*'
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

function Invoke-Step([string] $Name, [scriptblock] $Body) {
    Write-Host "==> $Name" -ForegroundColor Cyan
    & $Body
    if ($LASTEXITCODE -ne 0) { throw "$Name failed with exit code $LASTEXITCODE" }
}

function Restore { Invoke-Step 'restore' { dotnet restore CftRuntime.sln } }
function Build { Invoke-Step 'build' { dotnet build CftRuntime.sln -c $Configuration --no-restore } }
function Test { Invoke-Step 'test' { dotnet test CftRuntime.sln -c $Configuration --no-restore } }
function Publish {
    # NativeAOT single binary (linux-x64); PublishAot is switched on inside cli/Cft.Cli.csproj by CftAot.
    Invoke-Step 'publish cli (NativeAOT)' { dotnet publish cli/Cft.Cli.csproj -c $Configuration -p:CftAot=true -o artifacts/cli }
    Invoke-Step 'publish libcft.so (NativeAOT)' { dotnet publish native/Cft.Native.csproj -c $Configuration -o artifacts/native }
    Write-Host "cft published to artifacts/cli/cft, libcft.so to artifacts/native (header: native/include/cft.h)"
}
function Examples {
    # The C and Fortran examples against the published libcft.so, run on the shipped model.
    Invoke-Step 'publish libcft.so (NativeAOT)' { dotnet publish native/Cft.Native.csproj -c $Configuration -o artifacts/native }
    $out = 'artifacts/examples'
    New-Item -ItemType Directory -Force $out | Out-Null
    foreach ($example in 'featurize', 'predict', 'basis') {
        Invoke-Step "gcc $example.c" { gcc -Wall -Wextra -Werror -o "$out/${example}_c" "native/examples/$example.c" -Inative/include -Lartifacts/native -lcft }
        Invoke-Step "gfortran $example.f90" { gfortran -Wall -J $out -o "$out/${example}_f" native/cft.f90 "native/examples/$example.f90" -Lartifacts/native -lcft }
    }
    $env:LD_LIBRARY_PATH = (Resolve-Path artifacts/native).Path
    foreach ($example in 'featurize', 'predict', 'basis') {
        Invoke-Step "run $example (C)" { & "$out/${example}_c" }
        Invoke-Step "run $example (Fortran)" { & "$out/${example}_f" }
    }
}
function Wheel {
    # The Python package (python/) as artifacts/cftruntime-<version>-py3-none-linux_x86_64.whl, carrying libcft.so,
    # libonnxruntime.so and the shipped models (Debian: apt-get install -y python3-setuptools python3-wheel python3-pip).
    Invoke-Step 'publish libcft.so (NativeAOT)' { dotnet publish native/Cft.Native.csproj -c $Configuration -o artifacts/native }
    Invoke-Step 'wheel' { /usr/bin/python3 python/build_wheel.py artifacts/native artifacts }
}
function Bench {
    # Every BenchmarkDotNet benchmark (tables in README); --job short as measured there.
    Invoke-Step 'benchmarks' { dotnet run -c Release --project bench -- --filter $Filter --job short }
}
function Train {
    # Datasets, shipped models, ablations and zero-shot runs (Debian: apt-get install -y python3-torch python3-onnx libopenblas0-pthread python3-matplotlib).
    Invoke-Step 'trainer/reproduce.sh' { bash trainer/reproduce.sh }
}
function SpaceGroups {
    # Regenerates spacegroups.json from spglib's database (Debian: apt-get install -y python3-spglib).
    Invoke-Step 'spacegroups.json' { /usr/bin/python3 tools/spacegroups/make_spacegroups.py > spacegroups.json }
}

switch ($Task) {
    'restore' { Restore }
    'build' { Restore; Build }
    'test' { Restore; Build; Test }
    'publish' { Restore; Publish }
    'examples' { Examples }
    'wheel' { Wheel }
    'bench' { Bench }
    'train' { Train }
    'spacegroups' { SpaceGroups }
    'all' { Restore; Build; Test }
}
