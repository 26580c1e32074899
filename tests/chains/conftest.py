import pytest

SMALL_CHAIN = """
code: test-chain
name: 测试链
group: emerging
nodes:
  - {code: up, name: 上游材料, position: upstream, keywords: [测试材料], industry_codes: ["3985"]}
  - {code: up-a, name: 甲材料, position: upstream, parent: up, keywords: [甲材料]}
  - {code: up-b, name: 乙材料, position: upstream, parent: up, keywords: [乙材料]}
  - {code: mid, name: 中游器件, position: midstream, keywords: [测试器件]}
  - {code: down, name: 下游应用, position: downstream, keywords: [测试应用]}
"""


@pytest.fixture
def small_chain(db):
    from zhaoshang.chains.services import import_chain

    return import_chain(user=None, text=SMALL_CHAIN, check_rights=False)


@pytest.fixture
def node_of(small_chain):
    def get(code):
        return small_chain.nodes.get(code=code)

    return get
